package sslj.ssl.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table an evaluation main prints: one row per representation (the pretrained encoder, then the
 * baselines), one column per protocol, accuracies in percent ("—" where a protocol was not run).
 */
public final class ResultTable {
    private final List<String> columns;
    private final List<String> names = new ArrayList<>();
    private final List<Double[]> values = new ArrayList<>();

    public ResultTable(String... columns) { this.columns = List.of(columns); }

    /** Adds a row; {@code accuracies} in [0, 1], one per column, null where not measured. */
    public ResultTable row(String name, Double... accuracies) {
        if (accuracies.length != columns.size()) throw new IllegalArgumentException("row '" + name + "': " + accuracies.length + " values for " + columns.size() + " columns");
        names.add(name);
        values.add(accuracies.clone());
        return this;
    }

    public int rows() { return names.size(); }

    /** The accuracy of row {@code name}, column {@code column} (null when absent). */
    public Double get(String name, String column) {
        int r = names.indexOf(name), c = columns.indexOf(column);
        return r < 0 || c < 0 ? null : values.get(r)[c];
    }

    @Override
    public String toString() {
        int w = "representation".length();
        for (String n : names) w = Math.max(w, n.length());
        int[] cw = new int[columns.size()];
        for (int c = 0; c < cw.length; c++) cw[c] = Math.max(8, columns.get(c).length());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + w + "s", "representation"));
        for (int c = 0; c < cw.length; c++) sb.append(" | ").append(String.format(Locale.ROOT, "%" + cw[c] + "s", columns.get(c)));
        sb.append('\n').append("-".repeat(w));
        for (int c : cw) sb.append("-+-").append("-".repeat(c));
        sb.append('\n');
        for (int r = 0; r < names.size(); r++) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s", names.get(r)));
            for (int c = 0; c < cw.length; c++) {
                Double v = values.get(r)[c];
                sb.append(" | ").append(String.format(Locale.ROOT, "%" + cw[c] + "s", v == null ? "—" : String.format(Locale.ROOT, "%.2f%%", 100 * v)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
