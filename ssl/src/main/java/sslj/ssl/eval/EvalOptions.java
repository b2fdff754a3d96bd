package sslj.ssl.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import sslj.ssl.train.Options;
import sslj.ssl.train.Options.OptionsException;

/**
 * The evaluation mains' own options, on top of the shared {@link Options}: the arguments this class
 * knows ({@code --pretrained}, {@code --k}, ...) are taken out, the rest go to {@link Options#parse}
 * with the main's defaults, so every training option (--data, --epochs, --lr, --device, ...) works
 * and is checked as everywhere else. Same syntax: {@code --name value} or {@code --name=value}.
 */
public final class EvalOptions {
    /** Where the pretrained encoder is: a run directory, a checkpoint directory or a .safetensors file; null = none. */
    public Path pretrained;
    public String prefix = EncoderLoader.DEFAULT_PREFIX;
    /** A SupervisedMain run directory whose test accuracy goes in the table; null = none. */
    public Path supervised;
    /** Feature cache file (.safetensors) for the pretrained encoder's train and test features; null = in memory only. */
    public Path features;
    /** Neighbour counts of the weighted kNN, one table column each (--k 200, or --k 20,200). */
    public int[] k = {200};
    public double knnTemperature = 0.1;
    public double labelsPercent = 10;
    public boolean compareScratch;
    /** Evaluate on the first N test images (0 = all). */
    public int testLimit;
    public boolean baselines = true;

    /** The shared options, parsed with the main's defaults. */
    public final Options common;
    /** The shared options given on the command line (not defaulted), e.g. "encoder". */
    public final Set<String> given = new LinkedHashSet<>();

    private record Spec(String name, String arg, String help) { }

    private static final List<Spec> SPECS = List.of(
            new Spec("pretrained", "PATH", "pretrained encoder: a run directory (RUN/checkpoint/model.safetensors), a checkpoint directory or a .safetensors file"),
            new Spec("prefix", "P", "name prefix of the encoder's entries in the state dict ('' = a plain encoder state dict)"),
            new Spec("supervised", "DIR", "a SupervisedMain run directory: its test accuracy goes in the table"),
            new Spec("features", "FILE", "cache the pretrained encoder's features in FILE (.safetensors; reused when present)"),
            new Spec("k", "N[,N...]", "neighbours of the weighted kNN; several (20,200) give a column each"),
            new Spec("knn-temperature", "X", "temperature of the kNN vote weights exp(s/t)"),
            new Spec("labels-percent", "P", "percentage of training labels used (class-balanced)"),
            new Spec("compare-scratch", null, "also train from scratch on the same labels; plot both curves"),
            new Spec("test-limit", "N", "evaluate on the first N test images (0 = all)"),
            new Spec("no-baselines", null, "skip the baselines (raw pixels, random-init encoder)"));

    private final Set<String> accepted;

    private EvalOptions(Options common, Set<String> accepted) {
        this.common = common;
        this.accepted = accepted;
    }

    /**
     * Parses {@code args}: the names in {@code accepted} here, everything else by {@code defaults}.
     * Throws {@link OptionsException} naming the option on a bad command line.
     */
    public static EvalOptions parse(Options defaults, Set<String> accepted, EvalOptions base, String... args) {
        EvalOptions e = new EvalOptions(defaults, accepted);
        if (base != null) e.copyFrom(base);
        List<String> rest = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a.startsWith("--") ? a.substring(2) : "", value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) { value = name.substring(eq + 1); name = name.substring(0, eq); }
            Spec spec = spec(name);
            if (spec == null) {
                rest.add(a);
                if (!name.isEmpty()) {
                    e.given.add(name);
                    if (eq < 0 && i + 1 < args.length && !args[i + 1].startsWith("--") && !name.equals("resume") && !name.equals("help")) rest.add(args[++i]);
                }
                continue;
            }
            if (!accepted.contains(name)) throw new OptionsException("--" + name + " does not apply to " + defaults.program());
            if (!seen.add(name)) throw new OptionsException("--" + name + " given twice");
            if (spec.arg() == null) {
                if (value != null) throw new OptionsException("--" + name + " takes no value, got '" + value + "'");
            } else if (value == null) {
                if (i + 1 >= args.length || (args[i + 1].startsWith("--") && !args[i + 1].equals("--"))) throw new OptionsException("--" + name + " needs a value (" + spec.arg() + ")");
                value = args[++i];
            }
            e.set(name, value);
        }
        defaults.parse(rest.toArray(new String[0]));
        if (!defaults.help) e.check();
        return e;
    }

    /** {@link #parse}, for a main: error + usage and exit 2, or --help and exit 0. */
    public static EvalOptions parseOrExit(Options defaults, Set<String> accepted, EvalOptions base, String... args) {
        EvalOptions e = null;
        try {
            e = parse(defaults, accepted, base, args);
        } catch (OptionsException ex) {
            System.err.println(defaults.program() + ": " + ex.getMessage());
            System.err.println();
            System.err.print(usage(defaults, accepted, base));
            System.exit(2);
        }
        if (defaults.help) {
            System.out.print(usage(defaults, accepted, base));
            System.exit(0);
        }
        return e;
    }

    private static Spec spec(String name) {
        for (Spec s : SPECS) if (s.name().equals(name)) return s;
        return null;
    }

    private void copyFrom(EvalOptions b) {
        pretrained = b.pretrained; prefix = b.prefix; supervised = b.supervised; features = b.features; k = b.k;
        knnTemperature = b.knnTemperature; labelsPercent = b.labelsPercent; compareScratch = b.compareScratch;
        testLimit = b.testLimit; baselines = b.baselines;
    }

    private void set(String name, String v) {
        switch (name) {
            case "pretrained" -> pretrained = Path.of(v);
            case "prefix" -> prefix = v;
            case "supervised" -> supervised = Path.of(v);
            case "features" -> features = Path.of(v);
            case "k" -> k = neighbourCounts(name, v);
            case "knn-temperature" -> knnTemperature = number(name, v, Double.MIN_VALUE, Double.MAX_VALUE, false);
            case "labels-percent" -> labelsPercent = number(name, v, Double.MIN_VALUE, 100, false);
            case "compare-scratch" -> compareScratch = true;
            case "test-limit" -> testLimit = (int) number(name, v, 0, Integer.MAX_VALUE, true);
            case "no-baselines" -> baselines = false;
            default -> throw new IllegalStateException("eval option --" + name + " has a spec but no setter");
        }
    }

    /** "20,200" → {20, 200}: whole numbers >= 1, no repeats. */
    private static int[] neighbourCounts(String name, String v) {
        String[] parts = v.split(",", -1);
        int[] ks = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ks[i] = (int) number(name, parts[i], 1, Integer.MAX_VALUE, true);
            for (int j = 0; j < i; j++) if (ks[j] == ks[i]) throw new OptionsException("--" + name + " lists " + ks[i] + " twice: " + v);
        }
        return ks;
    }

    private static double number(String name, String v, double lo, double hi, boolean whole) {
        double d;
        try {
            d = whole ? Long.parseLong(v.trim()) : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new OptionsException("--" + name + " needs " + (whole ? "a whole number" : "a number") + ", got '" + v + "'");
        }
        if (!(d >= lo && d <= hi)) throw new OptionsException("--" + name + " must be " + (lo == Double.MIN_VALUE ? "> 0" : ">= " + (long) lo)
                + (hi < Integer.MAX_VALUE ? " and <= " + (long) hi : "") + ", got " + v);
        return d;
    }

    private void check() {
        if (pretrained != null && !Files.exists(pretrained)) throw new OptionsException("--pretrained " + pretrained + ": not found");
        if (supervised != null && !Files.isDirectory(supervised)) throw new OptionsException("--supervised " + supervised + ": directory not found");
        if (features != null && Files.isDirectory(features)) throw new OptionsException("--features " + features + " is a directory (give a file name)");
    }

    /** The shared usage followed by this main's evaluation options. */
    public static String usage(Options defaults, Set<String> accepted, EvalOptions base) {
        EvalOptions d = base != null ? base : new EvalOptions(defaults, accepted);
        StringBuilder sb = new StringBuilder(defaults.usage()).append("\nevaluation options:\n");
        for (Spec s : SPECS) {
            if (!accepted.contains(s.name())) continue;
            String left = "  --" + s.name() + (s.arg() != null ? " " + s.arg() : "");
            sb.append(String.format("%-22s %s", left, s.help()));
            String def = d.valueOf(s.name());
            if (s.arg() != null && def != null) sb.append(" (default: ").append(def).append(')');
            sb.append('\n');
        }
        return sb.toString();
    }

    private String valueOf(String name) {
        return switch (name) {
            case "pretrained" -> pretrained == null ? null : pretrained.toString();
            case "prefix" -> "'" + prefix + "'";
            case "supervised" -> supervised == null ? null : supervised.toString();
            case "features" -> features == null ? null : features.toString();
            case "k" -> java.util.Arrays.stream(k).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
            case "knn-temperature" -> Double.toString(knnTemperature);
            case "labels-percent" -> Double.toString(labelsPercent);
            case "test-limit" -> Integer.toString(testLimit);
            default -> null;
        };
    }

    /** "--name value" of the evaluation options this main takes, for the log. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Spec s : SPECS) {
            if (!accepted.contains(s.name())) continue;
            if (s.arg() == null) {
                if ((s.name().equals("compare-scratch") && compareScratch) || (s.name().equals("no-baselines") && !baselines)) parts.add("--" + s.name());
            } else if (valueOf(s.name()) != null) parts.add("--" + s.name() + " " + valueOf(s.name()));
        }
        return common.describe() + " " + String.join(" ", parts);
    }
}
