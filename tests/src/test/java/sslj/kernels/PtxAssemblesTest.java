package sslj.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every .ptx file in the repository must assemble with ptxas for sm_75, sm_80 and sm_90
 * (DESIGN.md section 3): the emulator accepting a kernel proves nothing if the driver would reject it.
 * A file whose .target is sm_80 or newer is not checked against sm_75. Skipped where ptxas is not on
 * the PATH.
 */
class PtxAssemblesTest {
    private static final Pattern TARGET = Pattern.compile("(?m)^\\s*\\.target\\s+sm_(\\d+)");
    private static final String[] ARCHS = {"sm_75", "sm_80", "sm_90"};

    @TestFactory
    Stream<DynamicTest> everyPtxFileAssembles() throws IOException {
        Assumptions.assumeTrue(ptxasAvailable(), "ptxas is not on the PATH: PTX assembly checks skipped");
        Path root = repositoryRoot();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".ptx"))
                    .filter(p -> !isIgnored(root.relativize(p)))
                    .sorted()
                    .toList();
        }
        assertFalse(files.isEmpty(), "no .ptx files found under " + root);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files) {
            for (String arch : ARCHS) {
                tests.add(DynamicTest.dynamicTest(root.relativize(file) + " " + arch, () -> assemble(file, arch)));
            }
        }
        return tests.stream();
    }

    private static void assemble(Path file, String arch) throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher m = TARGET.matcher(text);
        int target = m.find() ? Integer.parseInt(m.group(1)) : 0;
        Assumptions.assumeFalse(arch.equals("sm_75") && target >= 80, file.getFileName() + " targets sm_" + target + ": not checked for sm_75");
        Process p = new ProcessBuilder("ptxas", "-arch=" + arch, "-o", "/dev/null", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ptxas timed out on " + file);
        }
        assertEquals(0, p.exitValue(), "ptxas -arch=" + arch + " rejects " + file + ":\n" + output);
    }

    /** Skips build outputs and hidden directories (.git). */
    private static boolean isIgnored(Path relative) {
        for (Path part : relative) {
            String s = part.toString();
            if (s.equals("target") || s.startsWith(".")) return true;
        }
        return false;
    }

    private static boolean ptxasAvailable() {
        try {
            Process p = new ProcessBuilder("ptxas", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The directory whose pom.xml lists the modules, found by walking up from the working directory. */
    static Path repositoryRoot() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path pom = d.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) return d;
        }
        throw new IOException("no parent directory of " + dir + " has a pom.xml with <modules>");
    }
}
