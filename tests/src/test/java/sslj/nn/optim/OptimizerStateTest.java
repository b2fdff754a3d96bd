package sslj.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static sslj.nn.optim.OptimTesting.param;
import static sslj.nn.optim.OptimTesting.setGrad;
import static sslj.nn.optim.SGDTest.assertMessage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.tensor.Tensor;

/** state() / loadState(): an optimiser rebuilt from saved state continues exactly as the original. */
class OptimizerStateTest {
    static final double[][] GRADS = {{0.5, 0.25}, {-0.3, 0.6}, {0.1, -0.4}, {0.7, 0.2}};

    static void roundTrip(String what, Function<List<ParamGroup>, Optimizer> make) {
        Variable p = param(1.0, -2.0);
        Optimizer opt = make.apply(List.of(ParamGroup.of(Map.of("w", p))));
        for (int s = 0; s < 2; s++) { setGrad(p, GRADS[s]); opt.step(); }
        Map<String, Tensor> saved = new HashMap<>();
        opt.state().forEach((k, t) -> saved.put(k, t.copy()));

        Variable q = Variable.param(p.data().copy());
        Optimizer resumed = make.apply(List.of(ParamGroup.of(Map.of("w", q))));
        resumed.loadState(saved);
        for (int s = 2; s < 4; s++) {
            setGrad(p, GRADS[s]); opt.step();
            setGrad(q, GRADS[s]); resumed.step();
        }
        assertArrayEquals(p.data().toFloatArray(), q.data().toFloatArray(), what);
    }

    @Test void sgd() { roundTrip("SGD", g -> new SGD(g, 0.1, 0.9, 0.01)); }
    @Test void lars() { roundTrip("LARS", g -> new LARS(g, 0.3, 1e-4)); }
    @Test void adamw() { roundTrip("AdamW", g -> new AdamW(g, 0.01)); }

    @Test
    void stateNamesAndGroups() {
        Variable p = param(1.0, 2.0);
        AdamW opt = new AdamW(List.of(ParamGroup.of(Map.of("layer.weight", p)).lr(0.5)), 0.01);
        setGrad(p, 1, 1);
        opt.step();
        Map<String, Tensor> st = opt.state();
        assertEquals(List.of("group/0/lr", "group/0/weight_decay", "state/layer.weight/step",
                "state/layer.weight/exp_avg", "state/layer.weight/exp_avg_sq"), List.copyOf(st.keySet()));
        assertEquals(0.5f, st.get("group/0/lr").item());
        assertEquals(1f, st.get("state/layer.weight/step").item());
    }

    @Test
    void loadStateRejectsMismatches() {
        Variable p = param(1.0, 2.0);
        SGD sgd = new SGD(List.of(ParamGroup.of(Map.of("w", p))), 0.1, 0.9, 0);
        setGrad(p, 1, 1);
        sgd.step();
        Map<String, Tensor> good = sgd.state();

        Map<String, Tensor> wrongShape = new HashMap<>(good);
        wrongShape.put("state/w/momentum_buffer", Tensor.zeros(3));
        assertMessage("has shape [3]", () -> sgd.loadState(wrongShape));

        Map<String, Tensor> unknown = new HashMap<>(good);
        unknown.put("state/v/momentum_buffer", Tensor.zeros(2));
        assertMessage("unexpected 'state/v/momentum_buffer'", () -> sgd.loadState(unknown));

        Map<String, Tensor> noGroup = new HashMap<>(good);
        noGroup.remove("group/0/lr");
        assertMessage("missing 'group/0/lr'", () -> sgd.loadState(noGroup));

        AdamW adam = new AdamW(List.of(ParamGroup.of(Map.of("w", param(1.0, 2.0)))), 0.1);
        assertMessage("unexpected slot", () -> adam.loadState(good));
    }
}
