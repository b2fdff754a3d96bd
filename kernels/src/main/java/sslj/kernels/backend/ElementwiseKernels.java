package sslj.kernels.backend;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.KernelArgs;
import sslj.tensor.BinaryOp;
import sslj.tensor.UnaryOp;

/**
 * The launcher of elementwise.ptx: unary ops (and the strided copy), binary ops, where.
 *
 * <p>Strided inputs are read in place by the kernels (up to four dims after {@link Geometry} merges
 * what it can; more are split into launches), so a transposed, sliced or broadcast operand costs no
 * copy. Why not "make everything contiguous first": a bias broadcast over a batch would be
 * materialised at the batch's size on every forward, and every view op would pay an extra pass over
 * memory. Why not rank-6 kernels: four dims cover every layout merging leaves in practice, and each
 * extra dim costs every thread a division.
 */
final class ElementwiseKernels {
    static final String MODULE = "/sslj/kernels/ptx/elementwise.ptx";

    private final GpuContext ctx;

    ElementwiseKernels(GpuContext ctx) {
        this.ctx = ctx;
    }

    /** A view an operand is read from or written to: its storage's block, element offset and strides. */
    record View(CudaStorage storage, long offset, int[] strides) {
        DevicePtr at(long extra) { return storage.ptr(offset + extra); }
    }

    /** out = op(x, c) over {@code shape}; out may be strided (a copy into a view). */
    void unary(UnaryOp op, float c, View out, View x, int[] shape) {
        for (Geometry.Part p : Geometry.plan(shape, out.strides(), x.strides())) {
            KernelArgs args = KernelArgs.of().ptr(out.at(p.offsets()[0])).ptr(x.at(p.offsets()[1]))
                    .i32(p.n()).i32(p.flat() ? 1 : 0);
            sizes(args, p);
            strides(args, p.strides()[0]);
            strides(args, p.strides()[1]);
            args.i32(code(op)).f32(c);
            ctx.launchElements(ctx.kernel(MODULE, "unary"), p.n(), args);
        }
    }

    /** out (contiguous) = op(a, b) over {@code shape}. */
    void binary(BinaryOp op, View out, View a, View b, int[] shape) {
        for (Geometry.Part p : Geometry.plan(shape, out.strides(), a.strides(), b.strides())) {
            KernelArgs args = KernelArgs.of().ptr(out.at(p.offsets()[0])).ptr(a.at(p.offsets()[1])).ptr(b.at(p.offsets()[2]))
                    .i32(p.n()).i32(p.flat() ? 1 : 0);
            sizes(args, p);
            strides(args, p.strides()[1]);
            strides(args, p.strides()[2]);
            args.i32(code(op));
            // the kernel writes out at offset i: out must be contiguous within the part
            ctx.launchElements(ctx.kernel(MODULE, "binary"), p.n(), args);
        }
    }

    /** out (contiguous) = cond != 0 ? a : b over {@code shape}. */
    void where(View out, View cond, View a, View b, int[] shape) {
        for (Geometry.Part p : Geometry.plan(shape, out.strides(), cond.strides(), a.strides(), b.strides())) {
            KernelArgs args = KernelArgs.of().ptr(out.at(p.offsets()[0])).ptr(cond.at(p.offsets()[1]))
                    .ptr(a.at(p.offsets()[2])).ptr(b.at(p.offsets()[3])).i32(p.n());
            sizes(args, p);
            strides(args, p.strides()[1]);
            strides(args, p.strides()[2]);
            strides(args, p.strides()[3]);
            ctx.launchElements(ctx.kernel(MODULE, "where"), p.n(), args);
        }
    }

    private static void sizes(KernelArgs args, Geometry.Part p) {
        args.i32(p.sizes()[1]).i32(p.sizes()[2]).i32(p.sizes()[3]);
    }

    private static void strides(KernelArgs args, int[] s) {
        for (int v : s) args.i32(v);
    }

    /** The op codes of elementwise.ptx (spelled out, so that reordering the enum cannot shift them). */
    static int code(UnaryOp op) {
        return switch (op) {
            case IDENTITY -> 0; case NEG -> 1; case EXP -> 2; case LOG -> 3; case SQRT -> 4; case RSQRT -> 5;
            case ABS -> 6; case SIGN -> 7; case RECIPROCAL -> 8; case SQUARE -> 9; case RELU -> 10;
            case SIGMOID -> 11; case TANH -> 12; case GELU -> 13; case GELU_GRAD -> 14; case POW -> 15;
            case ADD_SCALAR -> 16; case MUL_SCALAR -> 17; case MAX_SCALAR -> 18; case MIN_SCALAR -> 19; case FILL -> 20;
        };
    }

    static int code(BinaryOp op) {
        return switch (op) {
            case ADD -> 0; case SUB -> 1; case MUL -> 2; case DIV -> 3; case MAX -> 4; case MIN -> 5; case POW -> 6;
            case EQ -> 7; case NE -> 8; case LT -> 9; case LE -> 10; case GT -> 11; case GE -> 12;
        };
    }
}
