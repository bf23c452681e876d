import { powInteger } from './doubleDouble';
import type { GraphNode } from './node';

/** Updates params in place from their `grad`, exactly as the PyTorch optimizer of the same name. */
export interface Optimizer {
  step(): void;
}

/** torch.optim.SGD (dampening 0, no Nesterov, no weight decay): buf = momentum buf + g; p -= lr buf. */
export class Sgd implements Optimizer {
  private readonly buffers: (Float64Array | null)[];

  constructor(private readonly params: readonly GraphNode[], private readonly lr: number, private readonly momentum = 0) {
    // PyTorch starts the momentum buffer at the first gradient, not at zero.
    this.buffers = params.map(() => null);
  }

  step(): void {
    const { params, lr, momentum } = this;
    for (let i = 0; i < params.length; i++) {
      const p = params[i].value;
      const g = params[i].grad;
      if (momentum === 0) {
        for (let k = 0; k < p.length; k++) p[k] -= lr * g[k];
        continue;
      }
      let buf = this.buffers[i];
      if (buf === null) {
        buf = this.buffers[i] = Float64Array.from(g);
      } else {
        for (let k = 0; k < buf.length; k++) buf[k] = momentum * buf[k] + g[k];
      }
      for (let k = 0; k < p.length; k++) p[k] -= lr * buf[k];
    }
  }
}

/**
 * torch.optim.Adam (no weight decay, no amsgrad), in PyTorch's own order of operations so results
 * agree to the last bits: denom = sqrt(v) / sqrt(1 - beta2^t) + eps; p -= lr / (1 - beta1^t) * m / denom.
 */
export class Adam implements Optimizer {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(
    private readonly params: readonly GraphNode[],
    private readonly lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = params.map((p) => new Float64Array(p.size));
    this.v = params.map((p) => new Float64Array(p.size));
  }

  step(): void {
    this.t++;
    const { beta1, beta2, eps } = this;
    const biasCorrection1 = 1 - powInteger(beta1, this.t);
    const biasCorrection2Sqrt = Math.sqrt(1 - powInteger(beta2, this.t));
    const stepSize = this.lr / biasCorrection1;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i].value;
      const g = this.params[i].grad;
      const m = this.m[i];
      const v = this.v[i];
      for (let k = 0; k < p.length; k++) {
        // torch's lerp_(grad, 1 - beta1) computes m + (1 - beta1) (g - m).
        m[k] += (1 - beta1) * (g[k] - m[k]);
        v[k] = v[k] * beta2 + (1 - beta2) * g[k] * g[k];
        const denom = Math.sqrt(v[k]) / biasCorrection2Sqrt + eps;
        p[k] -= stepSize * (m[k] / denom);
      }
    }
  }
}

