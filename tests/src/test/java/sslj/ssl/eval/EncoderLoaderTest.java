package sslj.ssl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.nn.ResNet;
import sslj.nn.SafeTensors;
import sslj.nn.optim.Checkpoint;
import sslj.ssl.Classifier;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** Loading a pretrained encoder: prefixes, plain state dicts, run directories, and the errors. */
class EncoderLoaderTest {

    /** What an SSL method's trainable() looks like: an "encoder" and a "projector". */
    static final class Method extends Module {
        final ResNet encoder;

        Method(ResNet encoder, Generator gen) {
            this.encoder = registerModule("encoder", encoder);
            registerModule("projector", new Linear(encoder.featureDim(), 4, gen));
        }

        @Override public sslj.autograd.Variable forward(sslj.autograd.Variable x) { return encoder.forward(x); }
    }

    private static ResNet resnet(int width, long seed) { return ResNet.resnet18(1, width, true, new Generator(seed)); }

    private static void assertSameState(Module a, Module b) {
        Map<String, Tensor> sa = a.stateDict(), sb = b.stateDict();
        for (String k : sa.keySet()) assertArrayEquals(sa.get(k).toFloatArray(), sb.get(k).toFloatArray(), 0f, k);
    }

    @Test
    void loadsTheEncoderOfARunDirectoryAndIgnoresTheHeads(@TempDir Path run) throws IOException {
        Method trained = new Method(resnet(2, 1), new Generator(1));
        new Checkpoint().save(run.resolve("checkpoint"), trained, null, null, null, 1, 10);
        ResNet fresh = resnet(2, 99);
        Path file = EncoderLoader.load(fresh, run, EncoderLoader.DEFAULT_PREFIX);
        assertTrue(file.endsWith(Path.of("checkpoint", "model.safetensors")));
        assertSameState(trained.encoder, fresh);
        // the checkpoint directory and the file itself work too
        ResNet again = resnet(2, 98);
        EncoderLoader.load(again, run.resolve("checkpoint").resolve("model.safetensors"), "encoder.");
        assertSameState(trained.encoder, again);
    }

    @Test
    void acceptsAPlainEncoderStateDictAndOtherPrefixes(@TempDir Path dir) throws IOException {
        ResNet src = resnet(2, 3);
        SafeTensors.save(dir.resolve("plain.safetensors"), src.stateDict());
        ResNet a = resnet(2, 4);
        EncoderLoader.load(a, dir.resolve("plain.safetensors"), "encoder.");   // no "encoder." entries: read as plain
        assertSameState(src, a);
        ResNet b = resnet(2, 5);
        EncoderLoader.load(b, dir.resolve("plain.safetensors"), "");
        assertSameState(src, b);
        Map<String, Tensor> other = new LinkedHashMap<>();
        src.stateDict().forEach((k, v) -> other.put("backbone." + k, v));
        other.put("head.weight", Tensor.zeros(3, 3));
        ResNet c = resnet(2, 6);
        EncoderLoader.load(c, other, "backbone.", "mem");
        assertSameState(src, c);
        // a SupervisedMain checkpoint: Classifier's "encoder." + "fc."
        Classifier cls = new Classifier(resnet(2, 7), 16, 10, new Generator(7));
        ResNet d = resnet(2, 8);
        EncoderLoader.load(d, cls.stateDict(), "encoder.", "classifier");
        assertSameState(cls.encoder(), d);
    }

    /** BYOL and MoCo v3 checkpoint "online.encoder." beside the momentum copy "target.encoder.": the default finds the online one. */
    @Test
    void findsTheOnlineEncoderOfAMomentumMethod() {
        ResNet online = resnet(2, 11), target = resnet(2, 12);
        Map<String, Tensor> state = new LinkedHashMap<>();
        online.stateDict().forEach((k, v) -> state.put("online.encoder." + k, v));
        state.put("online.head.weight", Tensor.zeros(4, 16));
        target.stateDict().forEach((k, v) -> state.put("target.encoder." + k, v));
        ResNet fresh = resnet(2, 13);
        EncoderLoader.load(fresh, state, EncoderLoader.DEFAULT_PREFIX, "byol");
        assertSameState(online, fresh);
        assertEquals("online.encoder.", EncoderLoader.onlineEncoderPrefix(state, "encoder."));
        assertEquals("target.encoder.", EncoderLoader.onlineEncoderPrefix(state, "target.encoder."), "a prefix the user gave is kept");
        // two candidates besides the momentum copies: ambiguous, so the default stays and the error asks for --prefix
        Map<String, Tensor> two = new LinkedHashMap<>(state);
        online.stateDict().forEach((k, v) -> two.put("image.encoder." + k, v));
        assertEquals("encoder.", EncoderLoader.onlineEncoderPrefix(two, "encoder."));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderLoader.load(resnet(2, 2), two, "encoder.", "two"));
        assertTrue(e.getMessage().contains("--prefix"), e.getMessage());
    }

    @Test
    void errorsNameTheMissingAndMismatchedTensors(@TempDir Path dir) throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        resnet(2, 1).stateDict().forEach((k, v) -> state.put("encoder." + k, v));
        String dropped = state.keySet().stream().filter(k -> k.contains("layer4")).findFirst().orElseThrow();
        state.remove(dropped);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderLoader.load(resnet(2, 2), state, "encoder.", "ckpt.safetensors"));
        assertTrue(e.getMessage().contains("ckpt.safetensors") && e.getMessage().contains("1 missing: " + dropped), e.getMessage());

        Map<String, Tensor> wider = new LinkedHashMap<>();
        resnet(4, 1).stateDict().forEach((k, v) -> wider.put("encoder." + k, v));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> EncoderLoader.load(resnet(2, 2), wider, "encoder.", "w4"));
        assertTrue(s.getMessage().contains("has shape [4, 1, 3, 3], the encoder expects [2, 1, 3, 3]"), s.getMessage());
        assertTrue(s.getMessage().contains("--width"), s.getMessage());

        Map<String, Tensor> heads = Map.of("student.backbone.x", Tensor.zeros(1), "projector.w", Tensor.zeros(1));
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> EncoderLoader.load(resnet(2, 2), heads, "encoder.", "f"));
        assertTrue(p.getMessage().contains("[projector., student.]") && p.getMessage().contains("--prefix"), p.getMessage());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> EncoderLoader.load(resnet(2, 2), dir, "encoder."));
        assertTrue(none.getMessage().contains("holds neither checkpoint/model.safetensors"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EncoderLoader.load(resnet(2, 2), dir.resolve("nope"), "encoder."));
    }
}
