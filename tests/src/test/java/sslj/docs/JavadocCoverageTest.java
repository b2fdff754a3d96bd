package sslj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import sslj.testing.RepoRoot;

/**
 * Issue #8, checked on every build: every public top-level type (class, interface, record, enum,
 * annotation) under {@code MODULE/src/main/java} of the engine's modules has a Javadoc comment directly
 * before its declaration (annotations and blank lines may sit between the two; an ordinary comment may
 * not, so that the doc stays next to what it documents), and that Javadoc's first sentence, the summary
 * javadoc prints in its tables, says something.
 *
 * <p>A plain scan of the source text, no javadoc run: a small lexer skips comments, strings, text blocks
 * and character literals, and reads each declaration at brace depth 0 from its first token (its first
 * annotation or modifier) to its opening brace. Whether each sentence cites the right paper equation is
 * left to review; this test keeps the comments from being absent. A failure lists every offender as
 * file:line: reason.
 */
class JavadocCoverageTest {
    /** The engine's modules; tests/ holds only tests. */
    static final List<String> MODULES = List.of("tensor", "autograd", "nn", "kernels", "ssl", "bench");

    private static final Set<String> TYPE_KEYWORDS = Set.of("class", "interface", "enum", "record");
    private static final Pattern WORD = Pattern.compile("non-sealed|[A-Za-z_$][A-Za-z0-9_$]*");

    /** One top-level type: its name, the line of its keyword, public or not, and its Javadoc (null when none). */
    record Decl(String name, int line, boolean isPublic, String javadoc) { }

    static List<Path> sourceFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String module : MODULES) {
            Path src = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(src)) throw new IllegalStateException("no source folder " + src);
            try (Stream<Path> s = Files.walk(src)) {
                files.addAll(s.filter(f -> f.toString().endsWith(".java"))
                        .filter(f -> !f.getFileName().toString().equals("package-info.java") && !f.getFileName().toString().equals("module-info.java"))
                        .sorted().collect(Collectors.toList()));
            }
        }
        return files;
    }

    @Test void everyPublicTypeHasAJavadocWithASummary() throws IOException {
        Path root = RepoRoot.find();
        List<Path> files = sourceFiles(root);
        assertTrue(files.size() > 100, "found only " + files.size() + " source files under " + root);
        List<String> problems = new ArrayList<>();
        int publicTypes = 0;
        for (Path f : files) {
            for (Decl d : topLevelTypes(Files.readString(f))) {
                if (!d.isPublic()) continue;
                publicTypes++;
                String where = root.relativize(f) + ":" + d.line() + ": " + d.name();
                if (d.javadoc() == null) problems.add(where + " has no Javadoc");
                else if (firstSentence(d.javadoc()).isEmpty()) problems.add(where + " has a Javadoc whose first sentence is empty");
            }
        }
        System.out.println("JavadocCoverageTest: " + files.size() + " source files, " + publicTypes + " public top-level types checked");
        assertTrue(publicTypes > 100, "found only " + publicTypes + " public top-level types: is the scanner broken?");
        if (!problems.isEmpty()) fail(problems.size() + " public type(s) without a usable Javadoc:\n  " + String.join("\n  ", problems));
    }

    /**
     * The top-level type declarations of a compilation unit, with the Javadoc directly before each: the
     * last comment before the declaration's first token, with only whitespace between, if it is a doc
     * comment.
     */
    static List<Decl> topLevelTypes(String src) {
        List<Decl> out = new ArrayList<>();
        int braces = 0, parens = 0;
        int start = -1;                 // first token of the current top-level declaration, -1 between them
        String startDoc = null;         // the Javadoc directly before that token
        String lastComment = null;      // the last comment seen, and where it ended
        int lastCommentEnd = -1;
        int n = src.length();
        for (int i = 0; i < n; i++) {
            char c = src.charAt(i);
            if (Character.isWhitespace(c)) continue;
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                int e = src.indexOf('\n', i);
                e = e < 0 ? n : e;
                lastComment = src.substring(i, e);
                lastCommentEnd = e;
                i = e - 1;
                continue;
            }
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int e = src.indexOf("*/", i + 2);
                e = e < 0 ? n : e + 2;
                lastComment = src.substring(i, e);
                lastCommentEnd = e;
                i = e - 1;
                continue;
            }
            if (braces == 0 && start < 0) {
                start = i;
                boolean adjacent = lastComment != null && src.substring(lastCommentEnd, i).isBlank();
                startDoc = adjacent && isDocComment(lastComment) ? lastComment : null;
            }
            if (c == '"' || c == '\'') {
                i = skipLiteral(src, i) - 1;
                continue;
            }
            switch (c) {
                case '(' -> parens += braces == 0 ? 1 : 0;
                case ')' -> parens -= braces == 0 ? 1 : 0;
                case ';' -> {
                    if (braces == 0 && parens == 0) start = -1;   // package, import, or a stray ';'
                }
                case '{' -> {
                    if (braces == 0 && parens > 0) continue;          // an array in an annotation's arguments
                    if (braces == 0 && start >= 0) {
                        Decl d = header(src, start, i, startDoc);
                        if (d != null) out.add(d);
                    }
                    braces++;
                }
                case '}' -> {
                    if (braces == 0) continue;
                    braces--;
                    if (braces == 0) start = -1;
                }
                default -> { }
            }
        }
        return out;
    }

    private static boolean isDocComment(String comment) {
        return comment.startsWith("/**") && !comment.equals("/**/");
    }

    /** Index just after the string, text block or character literal that opens at {@code i}. */
    private static int skipLiteral(String src, int i) {
        int n = src.length();
        if (src.startsWith("\"\"\"", i)) {
            for (int j = i + 3; j < n; j++) {
                if (src.charAt(j) == '\\') j++;
                else if (src.startsWith("\"\"\"", j)) return j + 3;
            }
            return n;
        }
        char q = src.charAt(i);
        for (int j = i + 1; j < n; j++) {
            char c = src.charAt(j);
            if (c == '\\') j++;
            else if (c == q || c == '\n') return j + 1;
        }
        return n;
    }

    /** The declaration between {@code from} and its opening brace, or null when it declares no type. */
    private static Decl header(String src, int from, int brace, String doc) {
        String h = src.substring(from, brace);
        boolean isPublic = false;
        Matcher m = WORD.matcher(h);
        int pos = 0;
        while (pos < h.length()) {
            char c = h.charAt(pos);
            if (Character.isWhitespace(c)) { pos++; continue; }
            if (c == '/' && h.startsWith("/*", pos)) { int e = h.indexOf("*/", pos + 2); pos = e < 0 ? h.length() : e + 2; continue; }
            if (c == '/' && h.startsWith("//", pos)) { int e = h.indexOf('\n', pos); pos = e < 0 ? h.length() : e + 1; continue; }
            if (c == '@') {
                int p = pos + 1;
                while (p < h.length() && Character.isWhitespace(h.charAt(p))) p++;
                if (!m.find(p) || m.start() != p) return null;
                if (m.group().equals("interface")) {                          // @interface Name
                    return m.find() ? new Decl(m.group(), line(src, from + m.start()), isPublic, doc) : null;
                }
                pos = skipAnnotation(h, pos);
                continue;
            }
            if (!m.find(pos) || m.start() != pos) return null;                // not a modifier or keyword
            String w = m.group();
            if (w.equals("public")) isPublic = true;
            if (TYPE_KEYWORDS.contains(w)) {
                return m.find() ? new Decl(m.group(), line(src, from + pos), isPublic, doc) : null;
            }
            pos = m.end();
        }
        return null;
    }

    /** Index just after the annotation (qualified name, then an optional balanced argument list) at {@code at}. */
    private static int skipAnnotation(String h, int at) {
        int p = at + 1;
        while (p < h.length() && (Character.isJavaIdentifierPart(h.charAt(p)) || h.charAt(p) == '.' || Character.isWhitespace(h.charAt(p)))) {
            if (Character.isWhitespace(h.charAt(p)) && !nextIsDot(h, p)) break;
            p++;
        }
        while (p < h.length() && Character.isWhitespace(h.charAt(p))) p++;
        if (p < h.length() && h.charAt(p) == '(') {
            int depth = 0;
            for (; p < h.length(); p++) {
                char c = h.charAt(p);
                if (c == '"' || c == '\'') { p = skipLiteral(h, p) - 1; continue; }
                if (c == '(') depth++;
                if (c == ')' && --depth == 0) return p + 1;
            }
        }
        return p;
    }

    private static boolean nextIsDot(String h, int p) {
        while (p < h.length() && Character.isWhitespace(h.charAt(p))) p++;
        return p < h.length() && h.charAt(p) == '.';
    }

    private static int line(String src, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) if (src.charAt(i) == '\n') line++;
        return line;
    }

    /**
     * The first sentence of a Javadoc as plain text: the main description (before the first block tag),
     * inline tags replaced by their text and HTML tags removed, up to the first period followed by white
     * space; "" when it holds no letter or digit.
     */
    static String firstSentence(String javadoc) {
        String body = javadoc.substring(3, javadoc.length() - (javadoc.endsWith("*/") ? 2 : 0));
        StringBuilder text = new StringBuilder();
        for (String l : body.split("\n", -1)) {
            String s = l.strip();
            if (s.startsWith("*")) s = s.substring(1).strip();
            if (s.startsWith("@")) break;                                     // the block tags begin
            text.append(s).append(' ');
        }
        String t = text.toString()
                .replaceAll("\\{@(?:link|linkplain)\\s+\\S+\\s+([^}]*)\\}", "$1")   // {@link X label} -> label
                .replaceAll("\\{@\\w+\\s*([^}]*)\\}", "$1")                        // {@code x}, {@link X} -> x
                .replaceAll("<[^>]*>", " ")
                .replaceAll("\\s+", " ").strip();
        Matcher end = Pattern.compile("\\.(\\s|$)").matcher(t);
        String first = end.find() ? t.substring(0, end.start() + 1) : t;
        return first.codePoints().anyMatch(Character::isLetterOrDigit) ? first : "";
    }

    /** The scanner itself, on sources whose answer is known. */
    @Test void scannerFindsDeclarationsAndTheirJavadocs() {
        List<Decl> ds = topLevelTypes(String.join("\n",
                "package a;",
                "import b.C;",
                "/** Not this one: an import follows. */",
                "import b.D;",
                "/** A documented class. */",
                "@SuppressWarnings({\"unchecked\", \"rawtypes\"})",
                "@Deprecated",
                "public final class A<T extends Comparable<T>> {",
                "    String s = \"} public class Fake {\";",
                "    char c = '}';",
                "    /** A nested class is not top-level. */ public static class Inner { }",
                "}",
                "public interface B { }",
                "/** Documented, but a plain comment stands between. */",
                "// a note",
                "public record R(int x, @Deprecated int y) implements Runnable { public void run() { } }",
                "/** Package-private. */",
                "enum E { X, Y }",
                "/** An annotation type. */",
                "public @interface Ann { String value() default \"{\"; }",
                "/**/",
                "public sealed interface S permits Z { }",
                "/** Non-sealed. */ public non-sealed class Z implements S { }"));
        assertEquals(List.of("A", "B", "R", "E", "Ann", "S", "Z"), ds.stream().map(Decl::name).toList());
        assertEquals(List.of(8, 13, 16, 18, 20, 22, 23), ds.stream().map(Decl::line).toList());
        assertEquals(List.of(true, true, true, false, true, true, true), ds.stream().map(Decl::isPublic).toList());
        assertEquals("/** A documented class. */", ds.get(0).javadoc());
        assertEquals(null, ds.get(1).javadoc());
        assertEquals(null, ds.get(2).javadoc());
        assertEquals("/** An annotation type. */", ds.get(4).javadoc());
        assertEquals(null, ds.get(5).javadoc());
        assertEquals("/** Non-sealed. */", ds.get(6).javadoc());
    }

    /** The first-sentence check, on Javadocs whose answer is known. */
    @Test void firstSentenceIsTheSummary() {
        assertEquals("Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_.",
                firstSentence("/** Gradient clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_}. More. */"));
        assertEquals("Schedules for the momentum of an EMA target network (BYOL, MoCo v3).",
                firstSentence("/**\n * Schedules for the momentum of an EMA target network (BYOL, MoCo v3).\n */"));
        assertEquals("the optimiser", firstSentence("/** {@link sslj.nn.optim.LARS the optimiser} */"));
        assertEquals("", firstSentence("/** */"));
        assertEquals("", firstSentence("/**\n * @param x the input\n */"));
        assertEquals("", firstSentence("/** <p>. Then text. */"));
    }
}
