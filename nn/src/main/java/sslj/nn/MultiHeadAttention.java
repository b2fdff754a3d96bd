package sslj.nn;

import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Shape;

/**
 * Multi-head self-attention (Vaswani et al. 2017, §3.2.2), as in ViT (Dosovitskiy et al. 2021) and
 * timm's {@code Attention}: one Linear makes q, k and v for every head at once, each head attends with
 * softmax(q kᵀ / √d_h) v, and a Linear mixes the heads back.
 *
 * <pre>
 *   x [B, T, D] → qkv = x W_qkvᵀ + b  [B, T, 3D] → [B, T, 3, H, d_h] → permute → [3, B, H, T, d_h]
 *   A = softmax(q kᵀ · d_h^−½) along the last dim   [B, H, T, T]
 *   o = A v  [B, H, T, d_h] → [B, T, H, d_h] → [B, T, D] → o W_projᵀ + b
 * </pre>
 * Built only from autograd ops (Linear, reshape, permute, matmul, softmax), so its backward is theirs and
 * it runs on any device. Children "qkv" and "proj", as timm names them, so state dicts carry over.
 */
public final class MultiHeadAttention extends Module {
    private final int dim, heads, headDim;
    private final float scale;
    private final Linear qkv, proj;

    /** {@code dim} must be a multiple of {@code heads}. */
    public MultiHeadAttention(int dim, int heads, Generator gen) {
        if (dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("MultiHeadAttention: dim must be a positive multiple of heads, got dim=" + dim + ", heads=" + heads);
        }
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.qkv = registerModule("qkv", new Linear(dim, 3 * dim, gen));
        this.proj = registerModule("proj", new Linear(dim, dim, gen));
    }

    public int dim() { return dim; }

    public int heads() { return heads; }

    /** [B, T, D] → [B, T, D]. */
    @Override public Variable forward(Variable x) {
        if (x.dim() != 3 || x.size(2) != dim) {
            throw new IllegalArgumentException("MultiHeadAttention(" + dim + "): expects [B, T, " + dim + "], got " + Shape.str(x.shape()));
        }
        int b = x.size(0), t = x.size(1);
        Variable all = qkv.forward(x).reshape(b, t, 3, heads, headDim).permute(2, 0, 3, 1, 4);   // [3, B, H, T, d_h]
        Variable q = all.select(0, 0), k = all.select(0, 1), v = all.select(0, 2);
        Variable attn = q.matmul(k.transpose(-2, -1)).mul(scale).softmax(-1);                     // [B, H, T, T]
        Variable o = attn.matmul(v).permute(0, 2, 1, 3).reshape(b, t, dim);                      // heads side by side
        return proj.forward(o);
    }
}
