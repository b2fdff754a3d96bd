package sslj.ssl.method;

import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.nn.optim.LARS;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.ssl.data.Batch;
import sslj.ssl.data.MultiView;
import sslj.ssl.train.Options;
import sslj.tensor.Device;
import sslj.tensor.Tensor;

/**
 * SimCLRv2, step 3 of 3 (Chen et al. 2020b, §2 "self-training / knowledge distillation via unlabelled
 * examples", eq. 3): the fine-tuned network is the teacher; a student is trained on the UNLABELLED
 * images to match the teacher's softened predictions:
 * <pre>
 *   L = − Σ_x Σ_y P_T(y | x; τ) · log P_S(y | x; τ),   P(y | x; τ) = softmax(logits / τ)_y
 * </pre>
 * averaged over the batch; labels are never read. The teacher is frozen (eval mode: BN running
 * statistics, no graph) and sees the same augmented view as the student. The student may be smaller
 * than the teacher (distillation) or the same size (self-distillation); it starts from random weights.
 * The paper finds τ = 1 works best when only unlabelled data are used (its default here).
 */
public final class SimClrV2Distill implements SslMethod {
    private final Module teacher, student, studentEncoder;
    private final float tau;
    private final Device device;
    private final MultiView views;

    /**
     * @param teacher        the fine-tuned network (logits), frozen here
     * @param student        the student network (logits)
     * @param studentEncoder the student's backbone (for the kNN monitor)
     * @param views          the augmentation (the fine-tuning one)
     */
    public SimClrV2Distill(Module teacher, Module student, Module studentEncoder, float tau, MultiView views, Device device) {
        if (!(tau > 0) || !Float.isFinite(tau)) throw new IllegalArgumentException("SimCLRv2 distillation: τ must be finite and > 0, got " + tau);
        this.teacher = teacher;
        this.student = student;
        this.studentEncoder = studentEncoder;
        this.tau = tau;
        this.views = views;
        this.device = device;
        teacher.to(device).eval();
        for (Variable p : teacher.parameters()) p.requiresGrad(false);
        student.to(device);
    }

    @Override public String name() { return "SimCLRv2-distill"; }

    @Override public Module trainable() { return student; }

    @Override public Module encoder() { return studentEncoder; }

    public Module teacher() { return teacher; }

    @Override public MultiView augmentation(Options o, int side, int channels) { return views; }

    @Override
    public Optimizer optimizer(Options o) { return new LARS(ParamGroup.decayAndNoDecay(student), o.lr, o.weightDecay); }

    @Override
    public Variable loss(Batch b, Device dev, long step) {
        Tensor x = b.images().to(device);
        teacher.eval();                       // the trainer sets train mode on trainable() only; keep the teacher in eval
        Tensor teacherLogits = MethodSupport.withoutGraph(() -> teacher.forward(Variable.constant(x)).data());
        return distillationLoss(Variable.constant(teacherLogits), student.forward(Variable.constant(x)), tau);
    }

    /**
     * Eq. 3 of the paper on a batch: mean over rows of −Σ_y softmax(t/τ)_y · logSoftmax(s/τ)_y, for
     * teacher logits t and student logits s, both [N, C]. Differentiable in both (the method passes a
     * constant teacher).
     */
    public static Variable distillationLoss(Variable teacherLogits, Variable studentLogits, float tau) {
        if (teacherLogits.dim() != 2 || !java.util.Arrays.equals(teacherLogits.shape(), studentLogits.shape())) {
            throw new IllegalArgumentException("distillationLoss: teacher and student logits must both be [N, C], got "
                    + java.util.Arrays.toString(teacherLogits.shape()) + " and " + java.util.Arrays.toString(studentLogits.shape()));
        }
        Variable p = teacherLogits.div(tau).softmax(1);
        Variable logQ = studentLogits.div(tau).logSoftmax(1);
        return p.mul(logQ).sum(new int[] {1}, false).mean().neg();
    }
}
