package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

class SafeTensorsTest {
    @TempDir Path dir;

    /** A file built byte by byte from the spec: 8-byte LE length, the JSON, the raw LE data. */
    private static byte[] file(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = h.length;
        for (int i = 0; i < 8; i++) out.write((int) (n >>> (8 * i)) & 0xFF);
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] bytes(int... b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) r[i] = (byte) b[i];
        return r;
    }

    @Test void writesExactlyWhatTheReferenceWriterWrites() {
        // safetensors.torch.save_file({"w": torch.tensor([[1., 2.], [3., 4.]])}) writes this compact
        // header (57 bytes), padded with 7 spaces to 64, then the floats little-endian.
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}       ";
        byte[] expect = file(json, bytes(0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40));
        byte[] ours = SafeTensors.toBytes(Map.of("w", Tensor.of(new float[][] {{1, 2}, {3, 4}})), Map.of());
        assertArrayEquals(expect, ours);
    }

    @Test void readsAHandBuiltFileWithMetadataScalarAndEmptyTensor() throws Exception {
        String json = "{\"__metadata__\": {\"format\": \"pt\"},\n \"b\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [8, 12]},"
                + " \"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"e\": {\"dtype\": \"F32\", \"shape\": [0, 3], \"data_offsets\": [12, 12]}}";
        byte[] data = bytes(0, 0, 0x80, 0xBF, 0, 0, 0, 0x3F, 0, 0, 0x20, 0x41);   // -1.0, 0.5, 10.0
        var c = SafeTensors.fromBytes(file(json, data), Path.of("hand.safetensors"));
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertEquals(List.of("b", "a", "e"), List.copyOf(c.tensors().keySet()), "header order kept");
        assertArrayEquals(new float[] {-1f, 0.5f}, c.tensors().get("a").toFloatArray());
        assertArrayEquals(new int[0], c.tensors().get("b").shape());
        assertEquals(10f, c.tensors().get("b").item());
        assertArrayEquals(new int[] {0, 3}, c.tensors().get("e").shape());
    }

    @Test void convertsF16Bf16AndF64() throws Exception {
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[6,10]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[10,18]}}";
        byte[] data = bytes(0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00,   // F16: 1.0, -2.0, smallest subnormal 2^-24
                0x80, 0x3F, 0x49, 0x40,                            // BF16: 1.0, 3.140625
                0, 0, 0, 0, 0, 0, 0xF8, 0x3F);                     // F64: 1.5
        var t = SafeTensors.fromBytes(file(json, data), Path.of("mixed")).tensors();
        assertArrayEquals(new float[] {1f, -2f, 0x1.0p-24f}, t.get("h").toFloatArray());
        assertArrayEquals(new float[] {1f, 3.140625f}, t.get("b").toFloatArray());
        assertArrayEquals(new float[] {1.5f}, t.get("d").toFloatArray());
    }

    @Test void roundTripThroughAFileKeepsNamesOrderShapesValuesAndMetadata() throws Exception {
        Generator gen = new Generator(1);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("z.last", Tensor.randn(gen, 3, 4));
        in.put("a \"quoted\" name\n", Tensor.randn(gen, 4, 3).t());   // a transposed view is written row-major
        in.put("ünïcode", Tensor.scalar(7f));
        Path f = dir.resolve("m.safetensors");
        SafeTensors.save(f, in, Map.of("epoch", "3"));
        assertEquals(0, (Files.size(f) - 8 - 4 * (12 + 12 + 1)) % 8, "header padded to 8");
        var c = SafeTensors.read(f);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(c.tensors().keySet()));
        for (String k : in.keySet()) {
            assertArrayEquals(in.get(k).shape(), c.tensors().get(k).shape(), k);
            assertArrayEquals(in.get(k).toFloatArray(), c.tensors().get(k).toFloatArray(), k);
        }
        assertEquals(Map.of("epoch", "3"), c.metadata());
    }

    // ---------------------------------------------------------------- corrupt files

    private static final String GOOD = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    private String failure(byte[] bytes) throws Exception {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, bytes);
        String msg = assertThrows(SafeTensorsException.class, () -> SafeTensors.load(f)).getMessage();
        assertTrue(msg.startsWith(f.toString() + ": "), "names the file: " + msg);
        return msg;
    }

    private void assertFails(byte[] bytes, String... fragments) throws Exception {
        String msg = failure(bytes);
        for (String s : fragments) assertTrue(msg.contains(s), "expected '" + s + "' in: " + msg);
    }

    @Test void corruptFilesFailNamingTheProblem() throws Exception {
        byte[] data8 = new byte[8];
        assertFails(bytes(1, 2, 3), "truncated", "3 bytes");
        byte[] good = file(GOOD, data8);
        byte[] hugeLength = good.clone();
        hugeLength[1] = 0x10;
        assertFails(hugeLength, "header length", "larger than");
        byte[] negative = good.clone();
        negative[7] = (byte) 0xFF;
        assertFails(negative, "header length 18374686479671623734");
        assertFails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", data8), "invalid JSON", "unexpected end of text");
        assertFails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{}}", data8), "duplicate key \"a\"");
        assertFails(file("[1, 2]", new byte[0]), "top level");
        assertFails(file(GOOD.replace("F32", "I64"), data8), "tensor 'a' has dtype I64");
        assertFails(file(GOOD.replace("[0,8]", "[0,12]"), new byte[12]), "hold 12 bytes", "needs 8");
        assertFails(file(GOOD.replace("[0,8]", "[8,0]"), data8), "not an ordered range");
        assertFails(file(GOOD.replace("[0,8]", "[0]"), data8), "two numbers");
        assertFails(file(GOOD.replace("\"shape\":[2]", "\"shape\":[2.5]"), data8), "only integers");
        assertFails(file(GOOD.replace(",\"shape\":[2]", ""), data8), "'shape'");
        assertFails(file(GOOD, new byte[5]), "truncated", "ends at byte 8", "only 5 bytes");
        assertFails(file(GOOD, new byte[12]), "4 bytes after the last tensor");
        String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertFails(file(two, new byte[12]), "'a' and 'b' overlap");
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertFails(file(gap, new byte[12]), "gap", "[4, 8)");
        byte[] badUtf8 = file(GOOD, data8);
        badUtf8[10] = (byte) 0xFF;
        assertFails(badUtf8, "UTF-8");
        assertFails(file("{\"__metadata__\":{\"k\":1}}", new byte[0]), "'k' is not a string");
    }

    // ---------------------------------------------------------------- modules

    @Test void moduleStateRoundTripAndMismatchesNameFileAndKeys() throws Exception {
        Sequential a = ModuleTest.nested(1), b = ModuleTest.nested(2);
        Path f = dir.resolve("model.safetensors");
        StateIO.save(a, f);
        StateIO.load(b, f);
        a.eval();
        b.eval();
        Tensor x = Tensor.randn(new Generator(3), 4, 3);
        assertArrayEquals(a.forward(Variable.constant(x)).data().toFloatArray(), b.forward(Variable.constant(x)).data().toFloatArray());

        // loading into a packed model writes through the parameters' views: the arena sees the new values
        Sequential c = ModuleTest.nested(5);
        ParameterArena arena = ParameterArena.pack(c);
        StateIO.load(c, f);
        assertTrue(arena.isIntact());
        assertArrayEquals(ParameterArena.pack(a).flat().toFloatArray(), arena.flat().toFloatArray());

        Module other = new Sequential(new Linear(3, 4, new Generator(1)), new Linear(4, 3, new Generator(1)));
        var e = assertThrows(IllegalArgumentException.class, () -> StateIO.load(other, f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("missing '1.weight'")
                && e.getMessage().contains("missing '1.bias'") && e.getMessage().contains("unexpected '1.0.weight'"), e.getMessage());
    }
}
