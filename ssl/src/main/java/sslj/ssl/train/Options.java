package sslj.ssl.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command-line options shared by every training main class, parsed into typed public fields.
 *
 * <p>A main sets its own defaults on a fresh instance, then parses the arguments over them:
 * <pre>
 *   Options o = new Options("SupervisedMain", "Supervised ResNet on Fashion-MNIST.", Set.of("momentum"));
 *   o.epochs = 10; o.batchSize = 128; o.lr = 0.1;       // this main's defaults (shown by --help)
 *   o = o.parseOrExit(args);                            // error or --help: message + usage, exit
 * </pre>
 * Arguments are {@code --name value} or {@code --name=value}; {@code --resume} and {@code --help}
 * take none. Method options ({@code --temperature}, {@code --queue-size}, {@code --momentum}) are
 * accepted only by the mains that name them, so a flag that would be silently ignored is an error.
 * Every check that can be made before training (values in range, the data directory exists) is made
 * by {@link #parse}, which throws {@link OptionsException} with a message naming the option.
 */
public final class Options {
    /** The options only some mains take; every other option is common to all. */
    public static final Set<String> METHOD_OPTIONS = Set.of("temperature", "queue-size", "momentum",
            "version", "shuffle-groups", "no-bn-heads", "crop-min");
    public static final List<String> DATASETS = List.of("fashion-mnist", "cifar10", "folder");
    public static final List<String> DEVICES = List.of("cpu", "cuda", "cuda-emu");
    /** "vit" (a small ViT, {@link Encoders#backbone}) only for the mains whose method supports it (MoCo v3). */
    public static final List<String> ENCODERS = List.of("resnet18", "resnet34", "resnet50", "vit");
    /** ResNet stems ({@link sslj.nn.ResNet.Stem}): small (3×3 stride 1), small-stride2, imagenet (7×7 stride 2 + max pool). */
    public static final List<String> STEMS = List.of("small", "small-stride2", "imagenet");

    // ---------------------------------------------------------------- the values (defaults for any main)
    public String data = "fashion-mnist";
    /** Dataset directory; null = Fashion-MNIST's default place (or its embedded subset). */
    public Path dataDir;
    public String device = "cpu";
    public int epochs = 10;
    public int batchSize = 256;
    public double lr = 0.1;
    public double weightDecay = 5e-4;
    public double temperature = 0.5;
    public int queueSize = 4096;
    public double momentum = 0.9;
    public String encoder = "resnet18";
    /** The ResNet's stem, one of {@link #STEMS}. */
    public String stem = "small";
    /** MoCo version (MocoMain: 1, 2 or 3). */
    public int version = 2;
    /** MoCo's shuffle-BN emulation: BN sub-batches of the key (and query) encoder; 1 = off. */
    public int shuffleGroups = 2;
    /** BYOL: projector and predictor without batch norm (the collapse study). */
    public boolean noBnHeads;
    /** Smallest area of the random resized crop, a fraction of the image; NaN = the method's paper value. */
    public double cropMin = Double.NaN;
    public int width = 16;
    public long seed = 42;
    public Path out = Path.of("runs", "run");
    public boolean resume;
    /** Train on the first {@code limit} images; 0 = all. */
    public int limit;
    public int workers = 2;
    public int logEvery = 50;
    public boolean help;

    private final String program, description;
    private final Set<String> methodOptions;
    /** A main's own options ({@link #addOption}), by name, with their current values. */
    private final java.util.Map<String, Extra> extras = new java.util.LinkedHashMap<>();

    /**
     * @param methodOptions which of {@link #METHOD_OPTIONS} this main accepts
     */
    public Options(String program, String description, Set<String> methodOptions) {
        for (String m : methodOptions) {
            if (!METHOD_OPTIONS.contains(m)) throw new IllegalArgumentException("not a method option: " + m + " (one of " + METHOD_OPTIONS + ")");
        }
        this.program = program;
        this.description = description;
        this.methodOptions = Set.copyOf(methodOptions);
    }

    /** Thrown for a bad command line; the message names the option and what is wrong. */
    public static final class OptionsException extends IllegalArgumentException {
        public OptionsException(String message) { super(message); }
    }

    /** One line of the usage text: the option, its argument's name, what it does. */
    private record Spec(String name, String arg, String help) { }

    private static final List<Spec> SPECS = List.of(
            new Spec("data", "NAME", "dataset: fashion-mnist | cifar10 | folder"),
            new Spec("data-dir", "DIR", "dataset directory (cifar10: cifar-10-batches-bin; folder: DIR/train and DIR/test, one sub-folder per class)"),
            new Spec("device", "NAME", "cpu | cuda | cuda-emu"),
            new Spec("epochs", "N", "training epochs"),
            new Spec("batch-size", "N", "images per step"),
            new Spec("lr", "X", "base learning rate (after warmup)"),
            new Spec("weight-decay", "X", "weight decay"),
            new Spec("temperature", "X", "softmax temperature of the contrastive loss"),
            new Spec("queue-size", "N", "negatives kept in the queue / memory bank"),
            new Spec("momentum", "X", "momentum (SGD, or the EMA target encoder)"),
            new Spec("encoder", "NAME", "resnet18 | resnet34 | resnet50 | vit (MoCo v3 only)"),
            new Spec("stem", "NAME", "ResNet stem: small (3x3 stride 1) | small-stride2 (half the side, a quarter of the work) | imagenet"),
            new Spec("version", "N", "MoCo version: 1, 2 or 3"),
            new Spec("shuffle-groups", "G", "MoCo shuffle-BN emulation: BN sub-batches per encoder pass (1 = off)"),
            new Spec("no-bn-heads", null, "BYOL: projector and predictor without batch norm (collapses)"),
            new Spec("crop-min", "X", "smallest random-crop area, a fraction of the image (default: the method's paper value, 0.08 or 0.2)"),
            new Spec("width", "N", "channels of the first ResNet stage (64 = the standard network)"),
            new Spec("seed", "N", "seed of initialisation, data order and augmentation"),
            new Spec("out", "DIR", "output directory: checkpoint/, log.txt, metrics.jsonl"),
            new Spec("resume", null, "continue from the checkpoint in --out"),
            new Spec("limit", "N", "train on the first N images (0 = all)"),
            new Spec("workers", "N", "data-loader threads (0 = load in the training thread)"),
            new Spec("log-every", "N", "steps between progress lines"),
            new Spec("help", null, "print this help and exit"));

    // ---------------------------------------------------------------- parsing

    /** Parses {@code args} over this object's current values (its defaults) and checks the result. */
    public Options parse(String... args) {
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) throw new OptionsException("unexpected argument '" + a + "' (options start with --)");
            String name = a.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) { value = name.substring(eq + 1); name = name.substring(0, eq); }
            Spec spec = spec(name);
            if (!seen.add(name)) throw new OptionsException("--" + name + " given twice");
            if (spec.arg() == null) {
                if (value != null) throw new OptionsException("--" + name + " takes no value, got '" + value + "'");
                set(name, null);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) throw new OptionsException("--" + name + " needs a value (" + spec.arg() + ")");
                value = args[++i];
            }
            set(name, value);
        }
        if (!help) check();
        return this;
    }

    /**
     * {@link #parse}, for a main: on a bad command line prints the error and the usage to stderr and
     * exits with status 2; with --help prints the usage to stdout and exits with 0.
     */
    public Options parseOrExit(String... args) {
        try {
            parse(args);
        } catch (OptionsException e) {
            System.err.println(program + ": " + e.getMessage());
            System.err.println();
            System.err.print(usage());
            System.exit(2);
        }
        if (help) {
            System.out.print(usage());
            System.exit(0);
        }
        return this;
    }

    private Spec spec(String name) {
        Extra x = extras.get(name);
        if (x != null) return x.spec;
        for (Spec s : SPECS) {
            if (s.name().equals(name)) {
                if (METHOD_OPTIONS.contains(name) && !methodOptions.contains(name)) {
                    throw new OptionsException("--" + name + " does not apply to " + program);
                }
                return s;
            }
        }
        throw new OptionsException("unknown option --" + name);
    }

    private void set(String name, String v) {
        Extra x = extras.get(name);
        if (x != null) {
            x.value = x.check.apply(v);
            return;
        }
        switch (name) {
            case "data" -> data = oneOf(name, v, DATASETS);
            case "data-dir" -> dataDir = Path.of(v);
            case "device" -> device = oneOf(name, v, DEVICES);
            case "epochs" -> epochs = positiveInt(name, v);
            case "batch-size" -> batchSize = positiveInt(name, v);
            case "lr" -> lr = positiveDouble(name, v);
            case "weight-decay" -> weightDecay = nonNegativeDouble(name, v);
            case "temperature" -> temperature = positiveDouble(name, v);
            case "queue-size" -> queueSize = positiveInt(name, v);
            case "momentum" -> momentum = fraction(name, v);
            case "encoder" -> encoder = oneOf(name, v, ENCODERS);
            case "stem" -> stem = oneOf(name, v, STEMS);
            case "version" -> version = Integer.parseInt(oneOf(name, v, List.of("1", "2", "3")));
            case "shuffle-groups" -> shuffleGroups = positiveInt(name, v);
            case "no-bn-heads" -> noBnHeads = true;
            case "crop-min" -> cropMin = unitInterval(name, v);
            case "width" -> width = positiveInt(name, v);
            case "seed" -> seed = parseLong(name, v);
            case "out" -> out = Path.of(v);
            case "resume" -> resume = true;
            case "limit" -> limit = nonNegativeInt(name, v);
            case "workers" -> workers = nonNegativeInt(name, v);
            case "log-every" -> logEvery = positiveInt(name, v);
            case "help" -> help = true;
            default -> throw new IllegalStateException("option --" + name + " has a spec but no setter");
        }
    }

    /** The checks that involve more than one option or the file system. */
    private void check() {
        if (!data.equals("fashion-mnist") && dataDir == null) throw new OptionsException("--data " + data + " needs --data-dir DIR");
        if (dataDir != null && !Files.isDirectory(dataDir)) throw new OptionsException("--data-dir " + dataDir + ": directory not found");
        if (data.equals("folder")) {
            for (String split : List.of("train", "test")) {
                if (!Files.isDirectory(dataDir.resolve(split))) {
                    throw new OptionsException("--data folder: " + dataDir.resolve(split) + " not found (expected DIR/train and DIR/test)");
                }
            }
        }
        if (Files.exists(out) && !Files.isDirectory(out)) throw new OptionsException("--out " + out + " exists and is not a directory");
    }

    // ---------------------------------------------------------------- typed values

    private static String oneOf(String name, String v, List<String> allowed) {
        if (!allowed.contains(v)) throw new OptionsException("--" + name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
        return v;
    }

    private static long parseLong(String name, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new OptionsException("--" + name + " needs a whole number, got '" + v + "'");
        }
    }

    private static int nonNegativeInt(String name, String v) {
        long n = parseLong(name, v);
        if (n < 0 || n > Integer.MAX_VALUE) throw new OptionsException("--" + name + " must be between 0 and " + Integer.MAX_VALUE + ", got " + v);
        return (int) n;
    }

    private static int positiveInt(String name, String v) {
        int n = nonNegativeInt(name, v);
        if (n == 0) throw new OptionsException("--" + name + " must be at least 1, got " + v);
        return n;
    }

    private static double parseDouble(String name, String v) {
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new OptionsException("--" + name + " needs a number, got '" + v + "'");
        }
        if (!Double.isFinite(d)) throw new OptionsException("--" + name + " must be finite, got '" + v + "'");
        return d;
    }

    private static double nonNegativeDouble(String name, String v) {
        double d = parseDouble(name, v);
        if (d < 0) throw new OptionsException("--" + name + " must be >= 0, got " + v);
        return d;
    }

    private static double positiveDouble(String name, String v) {
        double d = parseDouble(name, v);
        if (!(d > 0)) throw new OptionsException("--" + name + " must be > 0, got " + v);
        return d;
    }

    private static double unitInterval(String name, String v) {
        double d = parseDouble(name, v);
        if (!(d > 0 && d <= 1)) throw new OptionsException("--" + name + " must be in (0, 1], got " + v);
        return d;
    }

    private static double fraction(String name, String v) {
        double d = parseDouble(name, v);
        if (d < 0 || d >= 1) throw new OptionsException("--" + name + " must be in [0, 1), got " + v);
        return d;
    }

    /** The crop's smallest area: --crop-min when given, else the method's paper value {@code paperDefault}. */
    public double cropMin(double paperDefault) { return Double.isNaN(cropMin) ? paperDefault : cropMin; }

    // ---------------------------------------------------------------- usage and echo

    /** The help text, listing this main's options with their current values as defaults. */
    public String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: ").append(program).append(" [options]\n").append(description).append("\n\noptions:\n");
        for (Spec s : SPECS) {
            if (METHOD_OPTIONS.contains(s.name()) && !methodOptions.contains(s.name())) continue;
            String left = "  --" + s.name() + (s.arg() != null ? " " + s.arg() : "");
            sb.append(String.format("%-22s %s", left, s.help()));
            String def = s.arg() != null ? valueOf(s.name()) : null;
            if (def != null) sb.append(" (default: ").append(def).append(')');
            sb.append('\n');
        }
        for (Extra x : extras.values()) {
            sb.append(String.format("%-22s %s", "  --" + x.spec.name() + " " + x.spec.arg(), x.spec.help()));
            if (x.value != null) sb.append(" (default: ").append(x.value).append(')');
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The current value of an option as text (null for an unset directory). */
    public String valueOf(String name) {
        if (extras.containsKey(name)) return extras.get(name).value;
        return switch (name) {
            case "data" -> data;
            case "data-dir" -> dataDir == null ? null : dataDir.toString();
            case "device" -> device;
            case "epochs" -> Integer.toString(epochs);
            case "batch-size" -> Integer.toString(batchSize);
            case "lr" -> Double.toString(lr);
            case "weight-decay" -> Double.toString(weightDecay);
            case "temperature" -> Double.toString(temperature);
            case "queue-size" -> Integer.toString(queueSize);
            case "momentum" -> Double.toString(momentum);
            case "encoder" -> encoder;
            case "stem" -> stem;
            case "version" -> Integer.toString(version);
            case "shuffle-groups" -> Integer.toString(shuffleGroups);
            case "no-bn-heads" -> Boolean.toString(noBnHeads);
            case "crop-min" -> Double.isNaN(cropMin) ? null : Double.toString(cropMin);
            case "width" -> Integer.toString(width);
            case "seed" -> Long.toString(seed);
            case "out" -> out.toString();
            case "resume" -> Boolean.toString(resume);
            case "limit" -> Integer.toString(limit);
            case "workers" -> Integer.toString(workers);
            case "log-every" -> Integer.toString(logEvery);
            case "help" -> Boolean.toString(help);
            default -> throw new IllegalArgumentException("unknown option " + name);
        };
    }

    /** Options that change how a run is carried out but not what it computes. */
    private static final Set<String> NOT_RUN_DEFINING = Set.of("device", "out", "workers", "log-every");

    /** "--name value" for every option this main takes: the log's first line. */
    public String describe() { return describe(false); }

    /**
     * "--name value" for the options that decide a run's numbers (not --device, --out, --workers,
     * --log-every): saved with a checkpoint, so that a resume with different settings is refused.
     */
    public String runDefinition() { return describe(true); }

    private String describe(boolean runDefiningOnly) {
        List<String> parts = new ArrayList<>();
        for (Spec s : SPECS) {
            if (METHOD_OPTIONS.contains(s.name()) && !methodOptions.contains(s.name())) continue;
            if (s.arg() == null) {   // a flag: only method flags that are set decide a run (--resume, --help do not)
                if (METHOD_OPTIONS.contains(s.name()) && valueOf(s.name()).equals("true")) parts.add("--" + s.name());
                continue;
            }
            if (runDefiningOnly && NOT_RUN_DEFINING.contains(s.name())) continue;
            String v = valueOf(s.name());
            if (v != null) parts.add("--" + s.name() + " " + v);
        }
        for (Extra x : extras.values()) {
            if (x.value != null && (!runDefiningOnly || x.runDefining)) parts.add("--" + x.spec.name() + " " + x.value);
        }
        return String.join(" ", parts);
    }

    public String program() { return program; }

    // ---------------------------------------------------------------- a main's own options

    /** A main's own option: its spec, how a value is checked, its current value (null = unset). */
    private static final class Extra {
        final Spec spec;
        final java.util.function.UnaryOperator<String> check;
        final boolean runDefining;
        String value;

        Extra(Spec spec, java.util.function.UnaryOperator<String> check, boolean runDefining, String value) {
            this.spec = spec;
            this.check = check;
            this.runDefining = runDefining;
            this.value = value;
        }
    }

    /**
     * Declares an option only this main takes (SimClrV2Main's {@code --stage}, InstDiscMain's
     * {@code --proximal}), parsed, listed by --help and echoed like the common ones. {@code check}
     * validates a value (throwing {@link OptionsException} naming the option, see {@link #choice} and
     * {@link #number}) and returns it normalised; {@code defaultValue} may be null (unset).
     * {@code runDefining}: whether the option changes what a run computes (then a resume must repeat it).
     */
    public Options addOption(String name, String arg, String help, String defaultValue, boolean runDefining,
                             java.util.function.UnaryOperator<String> check) {
        for (Spec s : SPECS) if (s.name().equals(name)) throw new IllegalArgumentException("--" + name + " is a common option");
        if (extras.containsKey(name)) throw new IllegalArgumentException("--" + name + " declared twice");
        extras.put(name, new Extra(new Spec(name, arg, help), check, runDefining, defaultValue));
        return this;
    }

    /** The value of an option declared with {@link #addOption} (null when unset). */
    public String option(String name) {
        Extra x = extras.get(name);
        if (x == null) throw new IllegalArgumentException("no option --" + name + " was declared by " + program);
        return x.value;
    }

    /** {@link #option} as a number. */
    public double optionDouble(String name) { return parseDouble(name, option(name)); }

    /** A check for {@link #addOption}: one of {@code allowed}. */
    public static java.util.function.UnaryOperator<String> choice(String name, String... allowed) {
        return v -> oneOf(name, v, List.of(allowed));
    }

    /** A check for {@link #addOption}: a finite number ≥ {@code min} (> min when {@code strict}). */
    public static java.util.function.UnaryOperator<String> number(String name, double min, boolean strict) {
        return v -> {
            double d = parseDouble(name, v);
            if (strict ? !(d > min) : !(d >= min)) throw new OptionsException("--" + name + " must be " + (strict ? "> " : ">= ") + min + ", got " + v);
            return v.trim();
        };
    }

    /** A check for {@link #addOption}: any text (e.g. a path checked by the main). */
    public static java.util.function.UnaryOperator<String> text() { return v -> v; }
}
