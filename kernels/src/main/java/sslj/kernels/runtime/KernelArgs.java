package sslj.kernels.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The typed argument list of one launch, in .param order: pointers (.u64), 32-bit ints (.u32/.s32),
 * 64-bit ints (.u64/.s64) and floats (.f32). Built fluently: {@code KernelArgs.of().ptr(x).i32(n).f32(tau)}.
 */
public final class KernelArgs {
    /** The PTX parameter types an argument can have. */
    public enum Kind { PTR, I32, I64, F32 }

    /** One argument: its kind and its bits (a float is stored as its raw int bits). */
    public record Arg(Kind kind, long bits) { }

    private final List<Arg> args = new ArrayList<>();

    public static KernelArgs of() { return new KernelArgs(); }

    public KernelArgs ptr(DevicePtr p) { args.add(new Arg(Kind.PTR, p.address())); return this; }
    public KernelArgs i32(int v) { args.add(new Arg(Kind.I32, v)); return this; }
    public KernelArgs i64(long v) { args.add(new Arg(Kind.I64, v)); return this; }
    public KernelArgs f32(float v) { args.add(new Arg(Kind.F32, Float.floatToRawIntBits(v))); return this; }

    public List<Arg> list() { return Collections.unmodifiableList(args); }
    public int size() { return args.size(); }
}
