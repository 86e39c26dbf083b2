#!/usr/bin/env bash
# Two-phase runs on digits and Fashion-MNIST: the analyze table and figures of the
# "Training and comparing models" page (about 35 minutes on 2 shared CPU cores).
set -euo pipefail
K="kymatio-experiments"
common="--epochs-head 10 --epochs-joint 10 --lr-head 1e-2 --lr-head-joint 1e-3 --schedule cosine --warmup-epochs 1 --patience 5 --threads 1 -q"
for n in 200 600 1068; do
  $K train --model scattering-linear --model-arg learnable=true --train-size $n --lr-frontend 1e-2 $common --out runs/evidence/digits/linear-n$n
done
$K train --model scattering-net --train-size 600 --lr-frontend 1e-3 $common --out runs/evidence/digits/scatnet-n600
$K train --model scattering-linear --model-arg learnable=true --dataset fashion-mnist --train-size 1000 --batch-size 128 --lr-frontend 1e-2 $common --out runs/evidence/fmnist/linear-n1000
$K analyze runs/evidence
