package sslj.nn;

import java.util.ArrayList;
import java.util.List;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * A small Vision Transformer (Dosovitskiy et al. 2021) for the 28–32 px images of this project, in the
 * form MoCo v3 trains (Chen, Xie and He 2021, §4 and §5.2):
 * <ul>
 *   <li>patch embedding: a Conv2d with kernel = stride = patch, so each non-overlapping patch becomes one
 *       token of width {@code dim}. It is FROZEN at its random initialisation (weight and bias have
 *       {@code requiresGrad false}, the optimiser skips them): MoCo v3's §5.2 stability trick — the
 *       training instability ("dips" in accuracy) starts with gradient spikes in the first layer, and a
 *       fixed random patch projection removes them. Initialised as MoCo v3's {@code vits.py}: Xavier
 *       uniform over the patch's fan-in and fan-out, U(±√(6 / (C·p² + dim))), bias 0;</li>
 *   <li>a learnable [CLS] token (normal, std 1e-6 as in MoCo v3) prepended to the tokens, and learnable
 *       position embeddings [1, T + 1, dim] (normal, std 0.02, timm's trunc-normal without the cut);
 *       MoCo v3 uses fixed 2-d sin-cos embeddings instead — learnable ones are the standard ViT's;</li>
 *   <li>{@code depth} pre-LN blocks: x ← x + MHSA(LN(x)); x ← x + MLP(LN(x)), MLP = Linear(dim, r·dim),
 *       GELU, Linear(r·dim, dim) with r = {@code mlpRatio} (4 in ViT);</li>
 *   <li>a final LayerNorm; the features are the [CLS] token's output, [B, dim].</li>
 * </ul>
 * Default size here ({@link #small}): patch 7 (16 tokens on 28×28) or 4 (64 tokens on 32×32), dim 64,
 * depth 4, heads 4 — about 0.2 M parameters, a toy next to ViT-S (dim 384, depth 12, heads 12).
 */
public final class VisionTransformer extends Module {
    private final int imageSize, patch, dim, tokens;
    private final Conv2d patchEmbed;
    private final Variable cls, pos;
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm norm;

    /**
     * @param imageSize side of the square input, a multiple of {@code patch}
     */
    public VisionTransformer(int inChannels, int imageSize, int patch, int dim, int depth, int heads, int mlpRatio, Generator gen) {
        if (patch < 1 || imageSize < patch || imageSize % patch != 0) {
            throw new IllegalArgumentException("VisionTransformer: image side " + imageSize + " must be a positive multiple of the patch size " + patch);
        }
        if (depth < 1 || mlpRatio < 1) throw new IllegalArgumentException("VisionTransformer: depth and mlpRatio must be >= 1, got " + depth + ", " + mlpRatio);
        this.imageSize = imageSize;
        this.patch = patch;
        this.dim = dim;
        int side = imageSize / patch;
        this.tokens = side * side;
        patchEmbed = registerModule("patch_embed", new Conv2d(inChannels, dim, patch, patch, 0, 1, true, gen));
        float bound = (float) Math.sqrt(6.0 / (inChannels * patch * patch + dim));
        patchEmbed.weight().data().copy_(Tensor.uniform(gen, -bound, bound, patchEmbed.weight().shape()));
        patchEmbed.bias().data().fill_(0f);
        patchEmbed.weight().requiresGrad(false);   // MoCo v3 §5.2: random patch projection, never trained
        patchEmbed.bias().requiresGrad(false);
        cls = registerParameter("cls_token", Tensor.normal(gen, 0f, 1e-6f, 1, 1, dim));
        pos = registerParameter("pos_embed", Tensor.normal(gen, 0f, 0.02f, 1, tokens + 1, dim));
        for (int i = 0; i < depth; i++) blocks.add(registerModule("block" + i, new Block(dim, heads, mlpRatio, gen)));
        norm = registerModule("norm", new LayerNorm(dim));
    }

    /** The default small ViT for {@code imageSize} px images: patch 7 when it divides the side (28), else 4 (32); dim 64, depth 4, heads 4. */
    public static VisionTransformer small(int inChannels, int imageSize, Generator gen) {
        int patch = imageSize % 7 == 0 ? 7 : 4;
        return new VisionTransformer(inChannels, imageSize, patch, 64, 4, 4, 4, gen);
    }

    /** The width of the features (the [CLS] output). */
    public int featureDim() { return dim; }

    /** Patches per image (tokens without [CLS]). */
    public int tokens() { return tokens; }

    public int patch() { return patch; }

    /** The frozen patch projection. */
    public Conv2d patchEmbed() { return patchEmbed; }

    /** [B, C, S, S] → [B, dim]. */
    @Override public Variable forward(Variable x) {
        if (x.dim() != 4 || x.size(2) != imageSize || x.size(3) != imageSize) {
            throw new IllegalArgumentException("VisionTransformer: expects [B, C, " + imageSize + ", " + imageSize + "], got " + Shape.str(x.shape()));
        }
        int b = x.size(0);
        Variable t = patchEmbed.forward(x).reshape(b, dim, tokens).transpose(1, 2);          // [B, T, dim]
        t = Variable.cat(1, cls.expand(b, 1, dim), t).add(pos);                              // [B, T + 1, dim]
        for (Block blk : blocks) t = blk.forward(t);
        return norm.forward(t).select(1, 0);                                                  // the [CLS] token
    }

    /** One pre-LN transformer block. */
    static final class Block extends Module {
        private final LayerNorm norm1, norm2;
        private final MultiHeadAttention attn;
        private final Linear fc1, fc2;

        Block(int dim, int heads, int mlpRatio, Generator gen) {
            norm1 = registerModule("norm1", new LayerNorm(dim));
            attn = registerModule("attn", new MultiHeadAttention(dim, heads, gen));
            norm2 = registerModule("norm2", new LayerNorm(dim));
            fc1 = registerModule("fc1", new Linear(dim, mlpRatio * dim, gen));
            fc2 = registerModule("fc2", new Linear(mlpRatio * dim, dim, gen));
        }

        @Override public Variable forward(Variable x) {
            x = x.add(attn.forward(norm1.forward(x)));
            return x.add(fc2.forward(fc1.forward(norm2.forward(x)).gelu()));
        }
    }
}
