package sslj.tour;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import sslj.testing.RepoRoot;

/**
 * The docs cannot rot silently: every file path that README.md or a Markdown file under docs/ points
 * at must exist. Two kinds of reference are checked, outside fenced code blocks:
 * <ul>
 *   <li>relative links and images, {@code [text](../../tensor/src/.../Tensor.java#L10)} and
 *       {@code [text]: path}: resolved from the Markdown file's directory, as a reader's click is;</li>
 *   <li>backtick-quoted repository paths, {@code `bench/gpu/run-on-gpu.sh`} (the first word when the
 *       backticks hold a command): a word with a '/' whose first segment is a top-level entry of the
 *       repository or of the file's directory; resolved from the file's directory or the repository
 *       root. A leading "/sslj/" means a classpath resource, looked for under every module's src/{main,test}/resources.
 *       A path in a module's package shorthand ({@code autograd/functions/Conv.java}) is looked for
 *       under that module's src/main/java/sslj/, with or without ".java". Elided paths ({@code ...}),
 *       build outputs (target/) and run outputs (runs/, written by the main classes), globs and placeholders ({@code *}, braces, {@code <..>}, {@code $}) are skipped.</li>
 * </ul>
 * A failure lists every missing path as file:line: path.
 */
class TourLinksTest {
    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern REF_LINK = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*(\\S+)");
    private static final Pattern BACKTICKS = Pattern.compile("`([^`]+)`");
    private static final Pattern PATHLIKE = Pattern.compile("[A-Za-z0-9_.\\-/]+");

    static List<Path> markdownFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(root.resolve("README.md"))) files.add(root.resolve("README.md"));
        try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
            files.addAll(s.filter(f -> f.toString().endsWith(".md")).sorted().collect(Collectors.toList()));
        }
        return files;
    }

    @Test void everyLinkedPathExists() throws IOException {
        Path root = RepoRoot.find();
        List<Path> files = markdownFiles(root);
        assertTrue(files.size() > 1, "found no Markdown under " + root.resolve("docs"));
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Path md : files) {
            List<String> lines = Files.readAllLines(md);
            boolean fenced = false;
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n);
                if (line.strip().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) continue;
                for (String link : links(line)) {
                    checked++;
                    if (!Files.exists(md.getParent().resolve(link).normalize())) missing.add(where(root, md, n) + link);
                }
                for (String path : backtickPaths(root, md.getParent(), line)) {
                    checked++;
                    if (!exists(root, md.getParent(), path)) missing.add(where(root, md, n) + "`" + path + "`");
                }
            }
        }
        System.out.println("TourLinksTest: " + files.size() + " Markdown files, " + checked + " paths checked");
        if (!missing.isEmpty()) fail(missing.size() + " linked path(s) do not exist:\n  " + String.join("\n  ", missing));
    }

    private static String where(Path root, Path md, int line) { return root.relativize(md) + ":" + (line + 1) + ": "; }

    /** Relative link targets on this line, fragment and query removed; external links and pure anchors skipped. */
    static List<String> links(String line) {
        List<String> out = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        Matcher m = INLINE_LINK.matcher(line);
        while (m.find()) raw.add(m.group(1));
        Matcher r = REF_LINK.matcher(line);
        if (r.find()) raw.add(r.group(1));
        for (String t : raw) {
            if (t.startsWith("<") && t.endsWith(">")) t = t.substring(1, t.length() - 1);
            if (t.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || t.startsWith("#") || t.startsWith("//")) continue;
            int cut = t.length();
            for (char c : new char[] {'#', '?'}) {
                int i = t.indexOf(c);
                if (i >= 0) cut = Math.min(cut, i);
            }
            t = t.substring(0, cut);
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    /** Backtick-quoted words on this line that look like paths inside the repository. */
    static List<String> backtickPaths(Path root, Path dir, String line) {
        List<String> out = new ArrayList<>();
        Matcher m = BACKTICKS.matcher(line);
        while (m.find()) {
            String body = m.group(1).strip();
            if (body.isEmpty()) continue;
            String word = body.split("\\s+")[0].replaceAll("[,;:.)]+$", "");
            word = word.replaceAll(":\\d+(-\\d+)?$", "").replaceAll("#L\\d+(-L?\\d+)?$", "");
            if (!word.contains("/") || !PATHLIKE.matcher(word).matches()) continue;
            if (word.contains("/target/") || word.startsWith("target/")) continue;
            if (word.startsWith("runs/")) continue;   // what a main class writes (--out runs/NAME); ignored by git
            if (word.contains("...")) continue;                      // an elided path, e.g. kernels/.../ptx/x.ptx
            if (word.startsWith("/")) {
                if (word.startsWith("/sslj/")) out.add(word);          // our classpath resources; others are not ours
                continue;
            }
            String first = word.split("/")[0];
            if (first.isEmpty()) continue;
            boolean known = first.equals("..") || first.equals(".") || Files.exists(root.resolve(first)) || Files.exists(dir.resolve(first));
            if (known) out.add(word);
        }
        return out;
    }

    static boolean exists(Path root, Path dir, String path) {
        if (path.startsWith("/")) return resourceExists(root, path.substring(1));
        if (Files.exists(dir.resolve(path).normalize()) || Files.exists(root.resolve(path).normalize())) return true;
        // The package shorthand of some docs: autograd/functions/Conv.java for
        // autograd/src/main/java/sslj/autograd/functions/Conv.java (a class name may omit .java).
        int slash = path.indexOf('/');
        if (slash > 0) {
            Path src = root.resolve(path.substring(0, slash)).resolve("src/main/java/sslj").resolve(path);
            return Files.exists(src) || Files.exists(Path.of(src + ".java"));
        }
        return false;
    }

    private static boolean resourceExists(Path root, String resource) {
        Set<String> modules = new TreeSet<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(Files::isDirectory).forEach(p -> modules.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (String mod : modules) {
            for (String kind : new String[] {"main", "test"}) {
                if (Files.exists(root.resolve(mod).resolve("src").resolve(kind).resolve("resources").resolve(resource))) return true;
            }
        }
        return false;
    }

    /** The parser itself, on lines whose answer is known. */
    @Test void parsesLinksAndPaths() {
        Path root = RepoRoot.find();
        assertTrue(links("see [T](../../tensor/T.java#L3) and [w](https://x.org) and [a](#top)").equals(List.of("../../tensor/T.java")));
        assertTrue(links("[ref]: figures/a.png").equals(List.of("figures/a.png")));
        List<String> p = backtickPaths(root, root.resolve("docs"), "run `bench/gpu/run-on-gpu.sh prepare`, not `OUT/log.txt` or `sslj.tensor.Tensor` or `bench/target/benchmarks.jar` or `runs/x/curves.png`");
        assertTrue(p.equals(List.of("bench/gpu/run-on-gpu.sh")), p.toString());
        assertTrue(exists(root, root.resolve("docs"), "/sslj/kernels/ptx/momentum.ptx"));
        assertTrue(!exists(root, root.resolve("docs"), "tensor/NoSuchFile.java"));
        assertTrue(exists(root, root.resolve("docs"), "tensor/cpu/Gemm.java"));
        assertTrue(exists(root, root.resolve("docs"), "tensor/cpu/Gemm"));
    }
}
