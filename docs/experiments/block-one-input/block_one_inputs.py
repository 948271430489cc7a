"""What sets the gradient norm ratio r at ProcResNet-22's first block at initialisation: the input.

Uses the PyTorch peer (shared/peers/torch_resnet.py, its own weights and per-sample ratio) with
He fan-out (its default) and the authors' scheme (fan-in, stem and transitions scaled by sqrt(1/2)),
seeds 0-4, 16 images each: real standardised Fashion-MNIST training images, the same images with
their pixels shuffled (same values, no spatial structure), Gaussian noise, and Gaussian noise with
each image's mean and standard deviation.

Run: /usr/bin/python3 block_one_inputs.py [path to shared/peers]  (needs python3-torch and
dataset-fashion-mnist from apt). Output: block-one-inputs.txt.
"""
import sys, gzip, math, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else '../../../../shared/peers')
import torch_resnet as T
raw = np.frombuffer(gzip.open('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz').read(), np.uint8, offset=16).reshape(-1, 28, 28).astype(np.float32) / 255
mean, std = raw.mean(), raw.std()
def net_for(seed, scheme):
    torch.manual_seed(seed)
    net = T.Net('procresnet', 'basic', 3, 16, 1, 10)
    for mod in net.modules():
        if isinstance(mod, nn.Conv2d):
            nn.init.kaiming_normal_(mod.weight, mode='fan_in' if scheme == 'authors' else 'fan_out', nonlinearity='relu')
    if scheme == 'authors':
        for mod in [net.stem] + [net.units[i] for i in net.transitions()]:
            mod.weight.data *= math.sqrt(0.5)
    return net.train()
def r1(net, x, y):
    store = {}
    F.cross_entropy(net(x, store), y).backward()
    return float((store[0] / store[1]).mean())
for scheme in ['authors', 'he-fan-out']:
    rows = {k: [] for k in ['images', 'pixels shuffled', 'gaussian', 'gaussian, each image mean and std']}
    for seed in range(5):
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(raw), 16, replace=False)
        img = (raw[idx] - mean) / std
        y = torch.randint(0, 10, (16,), generator=torch.Generator().manual_seed(seed))
        shuffled = np.stack([rng.permutation(im.ravel()).reshape(28, 28) for im in img])
        gauss = rng.standard_normal((16, 28, 28)).astype(np.float32)
        gmean = gauss * img.std(axis=(1, 2), keepdims=True) + img.mean(axis=(1, 2), keepdims=True)
        for k, x in zip(rows, [img, shuffled, gauss, gmean]):
            rows[k].append(r1(net_for(seed, scheme), torch.from_numpy(np.ascontiguousarray(x[:, None])), y))
    for k, v in rows.items():
        print(f'{scheme:10s} {k:36s} r at block 1: ' + ' '.join(f'{x:.2f}' for x in v))
