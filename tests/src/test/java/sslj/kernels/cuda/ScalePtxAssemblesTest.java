package sslj.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test module's PTX assembles with ptxas for every target DESIGN.md names; skipped without ptxas. */
class ScalePtxAssemblesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sm_75", "sm_80", "sm_90"})
    void scalePtxAssembles(String arch) throws IOException, InterruptedException {
        assumeTrue(onPath("ptxas"), "ptxas is not on the PATH");
        Path ptx = Files.createTempFile("scale", ".ptx");
        try (InputStream in = getClass().getResourceAsStream("/sslj/kernels/cuda/scale.ptx")) {
            Files.write(ptx, in.readAllBytes());
        }
        Process p = new ProcessBuilder("ptxas", "-arch=" + arch, "-o", "/dev/null", ptx.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "ptxas -arch=" + arch + " failed:\n" + log);
        Files.delete(ptx);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) return true;
        }
        return false;
    }
}
