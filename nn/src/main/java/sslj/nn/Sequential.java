package sslj.nn;

import java.util.ArrayList;
import java.util.List;
import sslj.autograd.Variable;

/** Modules applied in order; children are named "0", "1", ... as in PyTorch. */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    public Sequential(List<? extends Module> modules) {
        for (Module m : modules) add(m);
    }

    /** Appends a module; returns this. */
    public Sequential add(Module m) {
        layers.add(registerModule(Integer.toString(layers.size()), m));
        return this;
    }

    public Module get(int i) { return layers.get(i); }

    public int size() { return layers.size(); }

    @Override public Variable forward(Variable x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
