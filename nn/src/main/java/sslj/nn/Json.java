package sslj.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small part of JSON (RFC 8259) that a safetensors header uses, written here to need no library:
 * objects (→ insertion-ordered {@code Map<String, Object>}, duplicate keys rejected), arrays
 * (→ {@code List<Object>}), strings with every escape, integers (→ {@code Long}; a fraction or exponent
 * is rejected, safetensors has none), and true/false/null. Errors are IllegalArgumentExceptions that
 * give the character position.
 */
final class Json {
    private final String s;
    private int pos;

    private Json(String s) { this.s = s; }

    /** Parses one JSON value filling the whole text (surrounding whitespace allowed). */
    static Object parse(String text) {
        Json p = new Json(text);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "' after the value");
        return v;
    }

    private static final int MAX_DEPTH = 64;   // a header is 3 levels deep; this stops a hostile file from overflowing the stack

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
        if (pos >= s.length()) throw error("unexpected end of text");
        char c = s.charAt(pos);
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return integer();
                throw error("unexpected '" + c + "'");
        }
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> out = new LinkedHashMap<>();
        pos++;   // '{'
        skipSpace();
        if (peek() == '}') { pos++; return out; }
        while (true) {
            skipSpace();
            if (peek() != '"') throw error("expected a string key");
            int at = pos;
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value(depth + 1);
            if (out.containsKey(key)) { pos = at; throw error("duplicate key \"" + key + "\""); }
            out.put(key, v);
            skipSpace();
            if (peek() == ',') { pos++; continue; }
            expect('}');
            return out;
        }
    }

    private List<Object> array(int depth) {
        List<Object> out = new ArrayList<>();
        pos++;   // '['
        skipSpace();
        if (peek() == ']') { pos++; return out; }
        while (true) {
            skipSpace();
            out.add(value(depth + 1));
            skipSpace();
            if (peek() == ',') { pos++; continue; }
            expect(']');
            return out;
        }
    }

    private String string() {
        pos++;   // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c < 0x20) { pos--; throw error("control character U+" + String.format("%04X", (int) c) + " in a string (must be escaped)"); }
            if (c != '\\') { sb.append(c); continue; }
            if (pos >= s.length()) throw error("unterminated escape");
            char e = s.charAt(pos++);
            switch (e) {
                case '"': case '\\': case '/': sb.append(e); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u':
                    if (pos + 4 > s.length()) throw error("truncated \\u escape");
                    try {
                        sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));   // surrogate pairs arrive as two escapes
                    } catch (NumberFormatException x) {
                        throw error("bad \\u escape '" + s.substring(pos, pos + 4) + "'");
                    }
                    pos += 4;
                    break;
                default: pos--; throw error("unknown escape '\\" + e + "'");
            }
        }
    }

    private Long integer() {
        int start = pos;
        if (peek() == '-') pos++;
        int digits = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
        if (pos == digits) throw error("a number needs digits");
        if (pos - digits > 1 && s.charAt(digits) == '0') { pos = digits; throw error("leading zero in a number"); }
        if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            throw error("only integers are expected here");
        }
        try {
            return Long.parseLong(s.substring(start, pos));
        } catch (NumberFormatException x) {
            pos = start;
            throw error("integer out of range");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) throw error("unexpected '" + s.charAt(pos) + "'");
        pos += word.length();
        return v;
    }

    private void skipSpace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private char peek() {
        if (pos >= s.length()) throw error("unexpected end of text");
        return s.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "', found '" + s.charAt(pos) + "'");
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at character " + pos + ": " + what);
    }

    // ---------------------------------------------------------------- writing

    /** A JSON string literal: quotes, backslashes and control characters escaped; the rest as is (UTF-8 on output). */
    static String quote(String v) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
