package sslj.kernels.emu;

import java.util.ArrayList;
import java.util.List;
import sslj.kernels.runtime.GpuException;

/**
 * First pass over PTX text: removes comments and cuts the text into statements, labels, entry headers
 * and braces, each with the line it starts on. PTX statements end with ';'; a label is
 * {@code name:}; an entry header ({@code .entry k(...)}) runs up to its '{'; a '{' inside an
 * instruction opens a vector operand such as {@code {%f1, %f2}}.
 */
final class StatementSplitter {

    enum Kind { STATEMENT, LABEL, HEADER, OPEN, CLOSE }

    /** One piece of source: its kind, starting line (1-based) and whitespace-collapsed text. */
    record Stmt(Kind kind, int line, String text) { }

    private StatementSplitter() { }

    static List<Stmt> split(String path, String source) {
        String text = stripComments(path, source);
        List<Stmt> out = new ArrayList<>();
        StringBuilder buf = new StringBuilder();
        int line = 1;
        int startLine = 1;
        int depth = 0;
        boolean inVector = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' && endsAtNewline(buf)) {
                // .version, .target, .address_size, .file and .loc end at the end of their line, without ';'.
                out.add(new Stmt(Kind.STATEMENT, startLine, collapse(buf)));
                buf.setLength(0);
            }
            if (c == '\n') line++;
            if (inVector) {
                buf.append(c);
                if (c == '}') inVector = false;
                continue;
            }
            boolean blank = buf.toString().isBlank();
            switch (c) {
                case ';' -> {
                    out.add(new Stmt(Kind.STATEMENT, startLine, collapse(buf)));
                    buf.setLength(0);
                }
                case '{' -> {
                    if (blank) {
                        out.add(new Stmt(Kind.OPEN, line, "{"));
                        depth++;
                    } else if (depth == 0) {
                        out.add(new Stmt(Kind.HEADER, startLine, collapse(buf)));
                        out.add(new Stmt(Kind.OPEN, line, "{"));
                        buf.setLength(0);
                        depth++;
                    } else {
                        inVector = true;
                        buf.append(c);
                    }
                }
                case '}' -> {
                    if (!blank) throw new GpuException(path + " line " + startLine + ": missing ';' after '" + collapse(buf) + "'");
                    out.add(new Stmt(Kind.CLOSE, line, "}"));
                    depth--;
                }
                case ':' -> {
                    String label = buf.toString().trim();
                    if (depth > 0 && label.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                        out.add(new Stmt(Kind.LABEL, startLine, label));
                        buf.setLength(0);
                    } else {
                        buf.append(c);
                    }
                }
                default -> {
                    if (blank && !Character.isWhitespace(c)) startLine = line;
                    buf.append(c);
                }
            }
        }
        if (!buf.toString().isBlank()) throw new GpuException(path + " line " + startLine + ": unterminated statement '" + collapse(buf) + "'");
        if (depth != 0) throw new GpuException(path + ": unbalanced braces at end of file");
        return out;
    }

    private static boolean endsAtNewline(StringBuilder buf) {
        String t = buf.toString().stripLeading();
        return t.startsWith(".version") || t.startsWith(".target") || t.startsWith(".address_size")
                || t.startsWith(".file") || t.startsWith(".loc");
    }

    /** Replaces // and block comments with spaces, keeping newlines so line numbers stay right. */
    private static String stripComments(String path, String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                while (i < s.length() && s.charAt(i) != '\n') { out.append(' '); i++; }
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                if (end < 0) throw new GpuException(path + ": unterminated /* comment");
                for (; i < end + 2; i++) out.append(s.charAt(i) == '\n' ? '\n' : ' ');
            } else if (c == '"') {
                int end = s.indexOf('"', i + 1);
                if (end < 0) end = s.length() - 1;
                out.append(s, i, end + 1);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String collapse(StringBuilder sb) {
        return sb.toString().trim().replaceAll("\\s+", " ");
    }
}
