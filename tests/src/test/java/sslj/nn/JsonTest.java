package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test void parsesWhatAHeaderHolds() {
        Object v = Json.parse(" {\"a\": [1, -2, 0], \"b\": {\"c\": \"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00\"}, \"t\": true, \"n\": null} ");
        assertEquals(Arrays.asList(1L, -2L, 0L), ((Map<?, ?>) v).get("a"));
        assertEquals("x\"y\\z\né😀", ((Map<?, ?>) ((Map<?, ?>) v).get("b")).get("c"));
        assertEquals(List.of("a", "b", "t", "n"), List.copyOf(((Map<?, ?>) v).keySet()));
    }

    @Test void quoteRoundTrips() {
        String s = "tab\t \"q\" back\\ nul\u0000 é";
        assertEquals(s, Json.parse(Json.quote(s)));
    }

    @Test void rejectsMalformedText() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "[1,]", "{\"a\":1,}", "01", "1.5", "\"open", "{\"a\" 1}", "[1] x", "\"\\q\"", "tru"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON at character"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(100) + "]".repeat(100)));
    }
}
