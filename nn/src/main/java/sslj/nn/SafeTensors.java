package sslj.nn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * Reads and writes the safetensors format (huggingface/safetensors), so weights move between this
 * engine and PyTorch ({@code safetensors.torch.save_file / load_file}):
 * <pre>
 *   8 bytes   N, the header length, unsigned little-endian
 *   N bytes   UTF-8 JSON: {"__metadata__": {"k": "v", ...},              (optional, strings only)
 *                          "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 *             padded with spaces to a multiple of 8, as the reference writer does
 *   rest      the tensors' bytes, little-endian, row-major; offsets count from the start of this section
 * </pre>
 * We write F32 in the order the map gives. We read F32, and F16, BF16 and F64 converted to float32.
 * Reading checks everything the reference reader checks — the header length fits the file, the JSON
 * parses, every dtype is known, each tensor's byte range matches its shape, and the ranges tile the
 * data section exactly, without overlap or gap — and throws {@link SafeTensorsException} (an
 * IOException) naming the file and the problem.
 */
public final class SafeTensors {
    private SafeTensors() { }

    /** The file's tensors, by name in file order, and its optional string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) { }

    private static final String METADATA = "__metadata__";

    // ---------------------------------------------------------------- writing

    public static void save(Path file, Map<String, Tensor> tensors) throws IOException { save(file, tensors, Map.of()); }

    /**
     * Writes {@code tensors} (any device, any strides) and {@code metadata}. The bytes go to a
     * temporary file in the same directory that is then renamed, so a crash never leaves half a file.
     */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] bytes = toBytes(tensors, metadata);
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {   // some file systems cannot rename atomically
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The file's bytes for {@code tensors} and {@code metadata}. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder header = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            header.append(Json.quote(METADATA)).append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                header.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                sep = ",";
            }
            header.append('}');
        }
        long offset = 0;
        List<float[]> data = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) throw new IllegalArgumentException("SafeTensors: '" + METADATA + "' is reserved, not a tensor name");
            Tensor t = e.getValue();
            long end = offset + 4L * t.numel();
            if (header.length() > 1) header.append(',');
            header.append(Json.quote(e.getKey())).append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) header.append(i == 0 ? "" : ",").append(shape[i]);
            header.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            data.add(t.toFloatArray());
            offset = end;
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;   // the reference pads with spaces so the data starts 8-byte aligned
        long total = 8L + padded + offset;
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("SafeTensors: " + total + " bytes exceed what one array can hold (2 GiB)");
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) buf.put((byte) ' ');
        for (float[] d : data) for (float v : d) buf.putFloat(v);
        return buf.array();
    }

    // ---------------------------------------------------------------- reading

    /** The tensors of a safetensors file, on the CPU, in file order. */
    public static Map<String, Tensor> load(Path file) throws IOException { return read(file).tensors(); }

    /** The tensors and the metadata of a safetensors file. */
    public static Contents read(Path file) throws IOException { return fromBytes(Files.readAllBytes(file), file); }

    /** Parses a whole file's bytes; {@code file} only names the source in errors. */
    public static Contents fromBytes(byte[] bytes, Path file) throws SafeTensorsException {
        if (bytes.length < 8) throw new SafeTensorsException(file, "truncated: " + bytes.length + " bytes, fewer than the 8-byte header length");
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);   // unsigned: a negative long is a length over 2^63, certainly too large
        if (n < 0 || n > bytes.length - 8L) {
            throw new SafeTensorsException(file, "header length " + Long.toUnsignedString(n) + " is larger than the " + (bytes.length - 8)
                    + " bytes that follow it (not a safetensors file, or truncated)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 8, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException(file, "header is not valid UTF-8", e);
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsException(file, "header: " + e.getMessage(), e);
        }
        if (!(root instanceof Map)) throw new SafeTensorsException(file, "header: expected a JSON object at the top level");
        int dataStart = 8 + (int) n;
        return new Header(file, bytes.length - dataStart).parse(cast(root), buf, dataStart);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) { return (Map<String, Object>) o; }

    /** Checks the parsed header entry by entry and then reads the data it describes. */
    private static final class Header {
        private final Path file;
        private final long dataLength;

        Header(Path file, long dataLength) {
            this.file = file;
            this.dataLength = dataLength;
        }

        private record Entry(String name, DType dtype, int[] shape, long begin, long end) { }

        Contents parse(Map<String, Object> root, ByteBuffer buf, int dataStart) throws SafeTensorsException {
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, Object> e : root.entrySet()) {
                if (e.getKey().equals(METADATA)) metadata = metadata(e.getValue());
                else entries.add(entry(e.getKey(), e.getValue()));
            }
            checkTiling(entries);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) tensors.put(e.name, Tensor.of(e.dtype.decode(buf, dataStart + (int) e.begin, (int) Shape.numel(e.shape)), e.shape));
            return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        }

        private Map<String, String> metadata(Object v) throws SafeTensorsException {
            if (!(v instanceof Map)) throw fail("'" + METADATA + "' must be an object of strings");
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> m : cast(v).entrySet()) {
                if (!(m.getValue() instanceof String s)) throw fail("'" + METADATA + "' entry '" + m.getKey() + "' is not a string");
                out.put(m.getKey(), s);
            }
            return out;
        }

        private Entry entry(String name, Object v) throws SafeTensorsException {
            if (!(v instanceof Map)) throw fail("tensor '" + name + "': expected an object with dtype, shape and data_offsets");
            Map<String, Object> m = cast(v);
            if (!(m.get("dtype") instanceof String dtypeName)) throw fail("tensor '" + name + "': missing or non-string 'dtype'");
            DType dtype = DType.of(dtypeName);
            if (dtype == null) {
                throw fail("tensor '" + name + "' has dtype " + dtypeName + "; only F32 is stored here (F16, BF16 and F64 are read and converted to float32)");
            }
            List<Long> shape = longs(name, "shape", m.get("shape"));
            List<Long> offsets = longs(name, "data_offsets", m.get("data_offsets"));
            if (offsets.size() != 2) throw fail("tensor '" + name + "': 'data_offsets' must hold two numbers [begin, end], got " + offsets);
            int[] dims = new int[shape.size()];
            long numel = 1;
            for (int i = 0; i < dims.length; i++) {
                long d = shape.get(i);
                if (d < 0 || d > Integer.MAX_VALUE) throw fail("tensor '" + name + "': bad size " + d + " in shape " + shape);
                dims[i] = (int) d;
                numel *= d;
                if (numel > Integer.MAX_VALUE) throw fail("tensor '" + name + "': shape " + shape + " has too many elements");
            }
            long begin = offsets.get(0), end = offsets.get(1);
            if (begin < 0 || end < begin) throw fail("tensor '" + name + "': data_offsets [" + begin + ", " + end + "] are not an ordered range");
            if (end - begin != numel * dtype.bytes) {
                throw fail("tensor '" + name + "': data_offsets [" + begin + ", " + end + "] hold " + (end - begin) + " bytes, but shape "
                        + shape + " of " + dtype + " needs " + numel * dtype.bytes);
            }
            if (end > dataLength) {
                throw fail("truncated: tensor '" + name + "' ends at byte " + end + " of the data section, which has only " + dataLength + " bytes");
            }
            return new Entry(name, dtype, dims, begin, end);
        }

        /** As the reference reader: sorted by offset, the ranges must follow one another from 0 to the end of the file. */
        private void checkTiling(List<Entry> entries) throws SafeTensorsException {
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort((a, b) -> a.begin != b.begin ? Long.compare(a.begin, b.begin) : Long.compare(a.end, b.end));
            long at = 0;
            String prev = null;
            for (Entry e : sorted) {
                if (e.begin < at) throw fail("tensors '" + prev + "' and '" + e.name + "' overlap (byte " + e.begin + " < " + at + ")");
                if (e.begin > at) throw fail("gap: bytes [" + at + ", " + e.begin + ") of the data section belong to no tensor");
                at = e.end;
                prev = e.name;
            }
            if (at != dataLength) throw fail((dataLength - at) + " bytes after the last tensor belong to no tensor");
        }

        private List<Long> longs(String name, String field, Object v) throws SafeTensorsException {
            if (!(v instanceof List<?> list)) throw fail("tensor '" + name + "': missing or non-array '" + field + "'");
            List<Long> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Long l)) throw fail("tensor '" + name + "': '" + field + "' must hold integers, got " + list);
                out.add(l);
            }
            return out;
        }

        private SafeTensorsException fail(String problem) { return new SafeTensorsException(file, problem); }
    }

    /** The element types we can read, each with its decoding to float32. */
    private enum DType {
        F32(4), F64(8), F16(2), BF16(2);

        final int bytes;

        DType(int bytes) { this.bytes = bytes; }

        static DType of(String name) {
            for (DType d : values()) if (d.name().equals(name)) return d;
            return null;
        }

        float[] decode(ByteBuffer b, int at, int n) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                int p = at + i * bytes;
                out[i] = switch (this) {
                    case F32 -> b.getFloat(p);
                    case F64 -> (float) b.getDouble(p);
                    case BF16 -> Float.intBitsToFloat((b.getShort(p) & 0xFFFF) << 16);   // bfloat16 is float32's top half
                    case F16 -> halfToFloat(b.getShort(p) & 0xFFFF);
                };
            }
            return out;
        }

        /** IEEE 754 binary16 → binary32, exactly (every half is a float). */
        static float halfToFloat(int h) {
            int sign = (h >>> 15) == 0 ? 1 : -1, exp = (h >>> 10) & 0x1F, mant = h & 0x3FF;
            if (exp == 0x1F) return mant == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
            if (exp == 0) return sign * mant * 0x1.0p-24f;   // subnormal: mant · 2^-24
            return sign * (1 + mant / 1024f) * (float) Math.pow(2, exp - 15);
        }
    }
}
