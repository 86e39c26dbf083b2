"""Math in the HTML pages as MathML, converted at build time (no JavaScript, no network).

Browsers render MathML Core natively; ``latex2mathml`` turns each ``:math:`` role and
``.. math::`` block into it. Enable with ``extensions += ["mathml"]`` and
``html_math_renderer = "mathml"``.
"""
from typing import Any, Dict

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx


def visit_math(self: Any, node: nodes.math) -> None:
    self.body.append(convert(node.astext(), display="inline"))
    raise nodes.SkipNode


def visit_math_block(self: Any, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({node["number"]})</span>')
    # A block may hold several equations separated by blank lines.
    for equation in node.astext().split("\n\n"):
        if equation.strip():
            self.body.append(convert(equation, display="block"))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Sphinx) -> Dict[str, Any]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
