package sslj.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.ssl.train.Options;
import sslj.ssl.train.Options.OptionsException;

/** MocoMain and ByolMain: per-version defaults, lr scaling with the batch, and the checks made before training. */
class MomentumMainsTest {
    private static String error(Runnable r) { return assertThrows(OptionsException.class, r::run).getMessage(); }

    @Test void versionDefaults() {
        Options v1 = MocoMain.parse("--version", "1");
        assertEquals(0.07, v1.temperature, 0);
        assertEquals(4096, v1.queueSize);
        assertEquals(0.99, v1.momentum, 0);
        assertEquals(0.03 * 128 / 256, v1.lr, 1e-12);
        assertEquals(2, v1.shuffleGroups);
        Options v2 = MocoMain.parse("--batch-size", "256");
        assertEquals(2, v2.version);
        assertEquals(0.2, v2.temperature, 0);
        assertEquals(0.03, v2.lr, 1e-12);
        Options v3 = MocoMain.parse("--version", "3", "--encoder", "vit", "--batch-size", "64");
        assertEquals(1.5e-4 * 64 / 256, v3.lr, 1e-15);
        assertEquals(0.1, v3.weightDecay, 0);
        assertEquals(0.5, MocoMain.parse("--version", "1", "--lr", "0.5").lr, 0);   // the user's value wins
        assertTrue(MocoMain.method(v3) instanceof sslj.ssl.method.MocoV3);
    }

    @Test void badMocoOptions() {
        assertTrue(error(() -> MocoMain.parse("--batch-size", "1")).contains("at least 2"));
        assertTrue(error(() -> MocoMain.parse("--queue-size", "100", "--batch-size", "128")).contains("smaller than --batch-size"));
        MocoMain.parse("--queue-size", "200", "--batch-size", "128");   // not a multiple: fine, the queue wraps
        assertTrue(error(() -> MocoMain.parse("--shuffle-groups", "3", "--batch-size", "4", "--queue-size", "8")).contains("--shuffle-groups"));
        assertTrue(error(() -> MocoMain.parse("--version", "1", "--encoder", "vit")).contains("--version 3"));
        assertTrue(error(() -> MocoMain.parse("--version", "3", "--queue-size", "4096")).contains("MoCo v3"));
        assertTrue(error(() -> MocoMain.parse("--version", "4")).contains("--version"));
        assertTrue(error(() -> MocoMain.parse("--no-bn-heads")).contains("does not apply"));
    }

    @Test void byolDefaultsAndFlag() {
        Options o = ByolMain.parse("--batch-size", "512");
        assertEquals(0.4, o.lr, 1e-12);
        assertEquals(1.5e-6, o.weightDecay, 0);
        assertEquals(0.996, o.momentum, 0);
        assertFalse(o.noBnHeads);
        Options nb = ByolMain.parse("--no-bn-heads");
        assertTrue(nb.noBnHeads);
        assertTrue(nb.runDefinition().contains("--no-bn-heads"), "a resume must not silently switch BN back on");
        assertTrue(error(() -> ByolMain.parse("--batch-size", "1")).contains("at least 2"));
        assertTrue(error(() -> ByolMain.parse("--temperature", "0.1")).contains("does not apply"));
        assertTrue(error(() -> ByolMain.parse("--encoder", "vit")).contains("vit"));
    }
}
