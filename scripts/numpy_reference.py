#!/usr/bin/env python3
"""Write the numpy reference fixtures the unit tests compare the engine with.

Usage: python3 scripts/numpy_reference.py

Writes three files into test/unit/program/fixtures/:
  numpy-forward.json     forward values of the ops for fixed inputs (inputs included)
  numpy-optimizers.json  PyTorch's SGD / SGD with momentum / Adam update rules, re-implemented
                         in numpy, over 5 steps on a fixed quadratic
  numpy-training.json    examples/training.grad's initial params (np.random.seed(42)) and the
                         recap's hand-written numpy training loop: the whole loss history, y_hat at
                         every 100th iteration, and dL/dparam at the initial params

Floats go through json.dumps, which writes Python's shortest round-tripping repr, so JavaScript's
JSON.parse recovers the identical float64 bits. Nothing here imports Gradscope: every number is
numpy's own.
"""
import json
import os

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
OUT = os.path.join(ROOT, 'test', 'unit', 'program', 'fixtures')


def tensor(a):
    """A tensor as {shape, values} with row-major float values."""
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'values': [float(v) for v in a.ravel()]}


# ---------------------------------------------------------------- forward values


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


def mse(p, t):
    return np.mean((p - t) ** 2)


def bce(p, t):
    # torch.nn.functional.binary_cross_entropy: each log clamped at -100.
    with np.errstate(divide='ignore'):
        lp = np.maximum(np.log(p), -100.0)
        l1p = np.maximum(np.log(1.0 - p), -100.0)
    return np.mean(-(t * lp + (1.0 - t) * l1p))


def cross_entropy(logits, labels):
    # torch.nn.functional.cross_entropy with class indices: mean of logsumexp(x) - x[label].
    logits = np.atleast_2d(logits)
    labels = np.atleast_1d(labels).astype(int)
    m = logits.max(axis=1)
    lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
    return np.mean(lse - logits[np.arange(len(labels)), labels])


def forward_fixture():
    rs = np.random.RandomState(7)
    x = rs.randn(3, 4) * 1.5  # the "row matrix": softmax and friends act on each row
    v3 = rs.randn(3)
    v3b = rs.randn(3)
    m23 = rs.randn(2, 3)
    m34 = rs.randn(3, 4)
    t234 = rs.randn(2, 3, 4)
    col = rs.randn(2, 1)
    pos = rs.uniform(0.2, 2.0, size=(2, 3))
    expo = rs.uniform(-1.5, 1.5, size=(3,))
    pred = rs.randn(5)
    target = rs.randn(5)
    probs = np.array([0.2, 0.7, 1.0, 0.0, 0.55])  # 1.0 and 0.0 exercise the -100 clamp
    bce_t = np.array([0.0, 1.0, 0.0, 1.0, 0.3])
    logits = rs.randn(4, 5)
    labels = np.array([3.0, 0.0, 4.0, 1.0])
    logits1 = rs.randn(5)
    a4 = rs.randn(4)

    cases = []

    def case(name, op, inputs, expected, attrs=None):
        cases.append({'name': name, 'op': op, 'attrs': attrs or {}, 'inputs': [tensor(i) for i in inputs], 'expected': tensor(expected)})

    case('tanh of a row matrix', 'tanh', [x], np.tanh(x))
    case('sigmoid of a row matrix', 'sigmoid', [x], sigmoid(x))
    case('softplus of a row matrix', 'softplus', [x], np.logaddexp(0.0, x))
    case('softmax of each row', 'softmax', [x], softmax(x))
    case('log_softmax of each row', 'log_softmax', [x], log_softmax(x))
    case('exp', 'exp', [x], np.exp(x))
    case('log of positives', 'log', [pos], np.log(pos))
    case('sqrt of positives', 'sqrt', [pos], np.sqrt(pos))
    case('abs', 'abs', [x], np.abs(x))
    case('relu', 'relu', [x], np.maximum(x, 0.0))
    case('leaky_relu alpha 0.2', 'leaky_relu', [x], np.where(x > 0, x, 0.2 * x), {'alpha': 0.2})
    case('sin', 'sin', [x], np.sin(x))
    case('cos', 'cos', [x], np.cos(x))
    case('neg', 'neg', [x], -x)
    case('matmul 1-D @ 1-D', 'matmul', [v3, v3b], v3 @ v3b)
    case('matmul 2-D @ 1-D', 'matmul', [m23, v3], m23 @ v3)
    case('matmul 1-D @ 2-D', 'matmul', [v3, m34], v3 @ m34)
    case('matmul 2-D @ 2-D', 'matmul', [m23, m34], m23 @ m34)
    case('dot', 'dot', [v3, v3b], np.dot(v3, v3b))
    case('broadcasting add [2,1] + [3]', 'add', [col, v3], col + v3)
    case('broadcasting sub [2,3] - [3]', 'sub', [m23, v3], m23 - v3)
    case('broadcasting mul [2,1] * [3]', 'mul', [col, v3], col * v3)
    case('broadcasting div [2,3] / [2,1]', 'div', [m23, col], m23 / col)
    case('broadcasting pow [2,3] ^ [3]', 'pow', [pos, expo], pos ** expo)
    for op, fn in (('sum', np.sum), ('mean', np.mean), ('max', np.max)):
        case(f'{op} of a matrix', op, [m34], fn(m34), {'axis': None})
        case(f'{op} of a matrix along axis 0', op, [m34], fn(m34, axis=0), {'axis': 0})
        case(f'{op} of a matrix along axis 1', op, [m34], fn(m34, axis=1), {'axis': 1})
        for axis in (0, 1, 2):
            case(f'{op} of a 3-D tensor along axis {axis}', op, [t234], fn(t234, axis=axis), {'axis': axis})
    case('mse', 'mse', [pred, target], mse(pred, target))
    case('mse against a scalar target', 'mse', [pred, np.array(0.25)], mse(pred, 0.25))
    case('bce with the log clamped at -100', 'bce', [probs, bce_t], bce(probs, bce_t))
    case('cross_entropy of a batch', 'cross_entropy', [logits, labels], cross_entropy(logits, labels))
    case('cross_entropy of one row', 'cross_entropy', [logits1, np.array(2.0)], cross_entropy(logits1, 2))
    case('outer', 'outer', [v3, a4], np.outer(v3, a4))
    case('outer flattens its operands', 'outer', [m23, v3], np.outer(m23, v3))
    case('transpose of a matrix', 'transpose', [m23], m23.T)
    case('transpose of a vector', 'transpose', [v3], v3.T)
    return {'numpyVersion': np.__version__, 'cases': cases}


# ---------------------------------------------------------------- optimizers

# The fixed quadratic f(p) = 0.5 * sum(a * (p - c)^2), so grad = a * (p - c) (exact IEEE ops,
# computed the same way on both sides).
QUAD_A = [np.array([[1.0, 2.5], [0.5, 4.0]]), np.array([3.0, 0.25, 1.5])]
QUAD_C = [np.array([[0.3, -1.2], [2.0, 0.7]]), np.array([-0.5, 1.1, 0.05])]
QUAD_P0 = [np.array([[1.0, 0.5], [-1.5, 2.0]]), np.array([0.2, -0.4, 0.9])]
STEPS = 5


def sgd_run(lr, momentum):
    params = [p.copy() for p in QUAD_P0]
    bufs = [None] * len(params)
    history = []
    for _ in range(STEPS):
        for i, p in enumerate(params):
            g = QUAD_A[i] * (p - QUAD_C[i])
            if momentum != 0:
                # torch.optim.SGD: the buffer starts as the first gradient (dampening 0)
                if bufs[i] is None:
                    bufs[i] = g.copy()
                else:
                    bufs[i] = momentum * bufs[i] + g
                g = bufs[i]
            p -= lr * g
        history.append([tensor(p) for p in params])
    return history


def adam_run(lr, beta1, beta2, eps):
    params = [p.copy() for p in QUAD_P0]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    history = []
    for t in range(1, STEPS + 1):
        bias_correction1 = 1 - beta1 ** t
        bias_correction2_sqrt = (1 - beta2 ** t) ** 0.5
        step_size = lr / bias_correction1
        for i, p in enumerate(params):
            g = QUAD_A[i] * (p - QUAD_C[i])
            # torch.optim.Adam (_single_tensor_adam): exp_avg.lerp_(grad, 1 - beta1)
            m[i] = m[i] + (1 - beta1) * (g - m[i])
            v[i] = v[i] * beta2 + (1 - beta2) * g * g
            denom = np.sqrt(v[i]) / bias_correction2_sqrt + eps
            p -= step_size * (m[i] / denom)
        history.append([tensor(p) for p in params])
    return history


def optimizer_fixture():
    runs = [
        {'name': 'sgd lr 0.1', 'kind': 'sgd', 'lr': 0.1, 'momentum': 0.0, 'history': sgd_run(0.1, 0.0)},
        {'name': 'sgd lr 0.05 momentum 0.9', 'kind': 'sgd', 'lr': 0.05, 'momentum': 0.9, 'history': sgd_run(0.05, 0.9)},
        {'name': 'adam defaults lr 0.1', 'kind': 'adam', 'lr': 0.1, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8,
         'history': adam_run(0.1, 0.9, 0.999, 1e-8)},
        {'name': 'adam lr 0.3 beta1 0.8 beta2 0.99 eps 1e-3', 'kind': 'adam', 'lr': 0.3, 'beta1': 0.8, 'beta2': 0.99, 'eps': 1e-3,
         'history': adam_run(0.3, 0.8, 0.99, 1e-3)},
    ]
    return {
        'numpyVersion': np.__version__,
        'a': [tensor(a) for a in QUAD_A],
        'c': [tensor(c) for c in QUAD_C],
        'p0': [tensor(p) for p in QUAD_P0],
        'runs': runs,
    }


# ---------------------------------------------------------------- the recap's training loop


def training_fixture():
    np.random.seed(42)
    W1 = np.random.randn(2, 2) * 0.5
    b1 = np.random.randn(2) * 0.5
    W2 = np.random.randn(2, 2) * 0.5
    b2 = np.random.randn(2) * 0.5
    W3 = np.random.randn(2) * 0.5
    b3 = np.random.randn() * 0.5
    initial = {'W1': tensor(W1), 'b1': tensor(b1), 'W2': tensor(W2), 'b2': tensor(b2), 'W3': tensor(W3), 'b3': tensor(b3)}

    x = np.array([0.5, -0.3])
    y = 1.0
    lr = 0.01
    losses = []
    log = []
    initial_grads = None
    for i in range(1000):
        # forward
        z1 = W1 @ x + b1
        a1 = np.tanh(z1)
        z2 = W2 @ a1 + b2
        a2 = np.tanh(z2)
        y_hat = W3 @ a2 + b3
        loss = 0.5 * (y_hat - y) ** 2
        losses.append(float(loss))
        if (i + 1) % 100 == 0:
            log.append({'step': i + 1, 'loss': float(loss), 'y_hat': float(y_hat)})
        # backward, by hand
        d_yhat = y_hat - y
        dW3 = d_yhat * a2
        db3 = d_yhat
        dz2 = d_yhat * W3 * (1 - a2 ** 2)
        dW2 = np.outer(dz2, a1)
        db2 = dz2
        dz1 = (W2.T @ dz2) * (1 - a1 ** 2)
        dW1 = np.outer(dz1, x)
        db1 = dz1
        if i == 0:
            initial_grads = {'W1': tensor(dW1), 'b1': tensor(db1), 'W2': tensor(dW2), 'b2': tensor(db2), 'W3': tensor(dW3), 'b3': tensor(db3)}
        # update
        W1 = W1 - lr * dW1
        b1 = b1 - lr * db1
        W2 = W2 - lr * dW2
        b2 = b2 - lr * db2
        W3 = W3 - lr * dW3
        b3 = b3 - lr * db3
    final_y_hat = float(W3 @ np.tanh(W2 @ np.tanh(W1 @ x + b1) + b2) + b3)
    return {
        'numpyVersion': np.__version__,
        'initialParams': initial,
        'initialGrads': initial_grads,
        'losses': losses,
        'log': log,
        'finalYHat': final_y_hat,
    }


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')
    print(f'wrote {os.path.relpath(path, ROOT)}')


if __name__ == '__main__':
    write('numpy-forward.json', forward_fixture())
    write('numpy-optimizers.json', optimizer_fixture())
    write('numpy-training.json', training_fixture())
