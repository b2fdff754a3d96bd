package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input fails fast with the right exception type and a message holding the facts needed to fix
 * the call: the op, the shapes or sizes involved, the offending value.
 */
class ErrorsTest {

    /** Asserts that {@code call} throws {@code type} with a message containing every one of {@code facts}. */
    private static <T extends Throwable> void assertFails(Class<T> type, Executable call, String... facts) {
        T e = assertThrows(type, call);
        String msg = String.valueOf(e.getMessage());
        for (String fact : facts) {
            assertTrue(msg.contains(fact), "message should mention '" + fact + "': " + msg);
        }
    }

    private static final Tensor A23 = Tensor.zeros(2, 3);

    @Test
    void broadcastMismatchNamesTheOpAndBothShapes() {
        assertFails(IllegalArgumentException.class, () -> A23.add(Tensor.zeros(2)), "add", "[2, 3]", "[2]");
        assertFails(IllegalArgumentException.class, () -> Tensor.zeros(4, 1).mul(Tensor.zeros(3, 2)), "mul", "[4, 1]", "[3, 2]");
        assertFails(IllegalArgumentException.class, () -> A23.maximum(Tensor.zeros(3, 3)), "max", "[2, 3]", "[3, 3]");
        assertFails(IllegalArgumentException.class, () -> A23.lt(Tensor.zeros(4)), "lt", "[2, 3]", "[4]");
        assertFails(IllegalArgumentException.class, () -> Tensor.where(Tensor.zeros(2), A23, A23), "where", "[2]", "[2, 3]");
    }

    @Test
    void copyFromAnIncompatibleSourceNamesCopy() {
        assertFails(IllegalArgumentException.class, () -> A23.copy_(Tensor.zeros(4)), "copy_", "[4]", "[2, 3]");
        // [1, 3] broadcasts with [2, 1] (to [2, 3]) but cannot be copied into a [2, 1] destination.
        assertFails(IllegalArgumentException.class, () -> Tensor.zeros(2, 1).copy_(Tensor.zeros(1, 3)), "copy_", "[1, 3]", "[2, 1]");
        assertFails(IllegalArgumentException.class, () -> Tensor.zeros(3).add_(Tensor.zeros(2, 3)), "copy_", "[2, 3]", "[3]");
    }

    @Test
    void matmulMismatchesNameBothShapes() {
        assertFails(IllegalArgumentException.class, () -> A23.matmul(Tensor.zeros(4, 5)), "matmul", "[2, 3]", "[4, 5]");
        assertFails(IllegalArgumentException.class, () -> Tensor.zeros(3).matmul(Tensor.zeros(4)), "matmul", "[3]", "[4]");
        assertFails(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)), "matmul", "[2, 3, 4]", "[3, 4, 5]");
        assertFails(IllegalArgumentException.class, () -> Tensor.scalar(1f).matmul(A23), "matmul", "[]");
    }

    @Test
    void devicesWithoutAProviderFailClearly() {
        // The kernels module provides "cuda"; without a GPU it says why (with a GPU, cuda:0 works).
        if (!sslj.kernels.cuda.JCudaRuntime.isAvailable()) {
            assertFails(IllegalStateException.class, () -> Device.of("cuda", 0), "cuda:0", "not available");
            assertFails(IllegalStateException.class, Device::cuda, "cuda");
        }
        assertFails(IllegalStateException.class, () -> Device.parse("cuda:1"), "cuda:1");
        assertFails(IllegalStateException.class, () -> Device.of("tpu", 0), "tpu");
        assertTrue(Device.parse("cpu") == Device.CPU);
    }

    @Test
    void indexValuesOutOfRangeNameTheOpTheValueAndTheSize() {
        Tensor x = Tensor.zeros(3, 4);
        assertFails(IndexOutOfBoundsException.class, () -> x.indexSelect(0, Tensor.of(0f, 3f)), "indexSelect", "3", "size 3");
        assertFails(IndexOutOfBoundsException.class, () -> x.indexSelect(1, Tensor.of(-1f)), "indexSelect", "-1", "size 4");
        assertFails(IndexOutOfBoundsException.class, () -> x.gather(1, Tensor.of(new float[][] {{4}})), "gather", "4", "size 4");
        assertFails(IndexOutOfBoundsException.class, () -> x.scatterAdd(0, Tensor.of(new float[][] {{5}}), Tensor.ones(1, 1)), "scatterAdd", "5", "size 3");
        assertFails(IndexOutOfBoundsException.class, () -> x.indexPut_(Tensor.of(7f), Tensor.ones(4)), "indexPut", "7", "size 3");
    }

    @Test
    void nonIntegerIndexValuesAreRejected() {
        Tensor x = Tensor.zeros(3, 4);
        assertFails(IndexOutOfBoundsException.class, () -> x.indexSelect(0, Tensor.of(1.5f)), "indexSelect", "1.5", "whole number", "size 3");
        assertFails(IndexOutOfBoundsException.class, () -> x.gather(0, Tensor.of(new float[][] {{0.25f}})), "gather", "0.25", "whole number");
        assertFails(IndexOutOfBoundsException.class, () -> x.indexSelect(0, Tensor.of(Float.NaN)), "indexSelect", "NaN");
    }

    @Test
    void elementAccessOutOfRange() {
        assertFails(IndexOutOfBoundsException.class, () -> A23.get(2, 0), "get", "2", "size 2");
        assertFails(IllegalArgumentException.class, () -> A23.get(0), "get", "rank 2");
        assertFails(IndexOutOfBoundsException.class, () -> A23.select(1, 3), "select", "3", "size 3");
        assertFails(IndexOutOfBoundsException.class, () -> A23.select(0, -3), "select", "-3", "size 2");
        assertFails(IndexOutOfBoundsException.class, () -> A23.narrow(1, 2, 2), "narrow", "size 3");
    }

    @Test
    void dimensionsOutOfRangeNameTheOpAndTheRank() {
        assertFails(IndexOutOfBoundsException.class, () -> A23.sum(-3), "sum", "-3", "rank 2");
        assertFails(IndexOutOfBoundsException.class, () -> A23.sum(2), "sum", "2", "rank 2");
        assertFails(IndexOutOfBoundsException.class, () -> A23.softmax(2), "softmax", "rank 2");
        assertFails(IndexOutOfBoundsException.class, () -> A23.logSoftmax(-3), "logSoftmax", "rank 2");
        assertFails(IndexOutOfBoundsException.class, () -> A23.transpose(0, 5), "transpose", "5");
        assertFails(IndexOutOfBoundsException.class, () -> A23.unsqueeze(-4), "unsqueeze", "-4", "rank 3");
        assertFails(IndexOutOfBoundsException.class, () -> A23.argmax(-3, false), "argmax", "-3");
        assertFails(IndexOutOfBoundsException.class, () -> A23.size(2), "size", "2");
        assertFails(IndexOutOfBoundsException.class, () -> Tensor.cat(2, A23, A23), "cat", "2");
        assertFails(IllegalArgumentException.class, () -> A23.sum(1, -1), "sum", "twice");
        assertFails(IndexOutOfBoundsException.class, () -> Tensor.scalar(1f).sum(3), "sum", "3");
        assertFails(IllegalArgumentException.class, () -> A23.permute(0, 0), "permute", "repeated");
        assertFails(IllegalArgumentException.class, () -> A23.permute(0), "permute", "rank 2");
    }

    @Test
    void reshapeToTheWrongElementCount() {
        assertFails(IllegalArgumentException.class, () -> A23.reshape(5), "reshape", "[2, 3]", "[5]", "6");
        assertFails(IllegalArgumentException.class, () -> A23.reshape(4, -1), "reshape", "[4, -1]");
        assertFails(IllegalArgumentException.class, () -> A23.view(-1, -1), "view", "-1");
        assertFails(IllegalArgumentException.class, () -> A23.reshape(3, -2), "reshape", "negative");
        // With zero elements the -1 could be anything.
        assertFails(IllegalArgumentException.class, () -> Tensor.zeros(0, 3).reshape(0, -1), "reshape", "[0, -1]");
    }

    @Test
    void itemNeedsExactlyOneElement() {
        assertFails(IllegalStateException.class, A23::item, "item", "[2, 3]", "6");
        assertFails(IllegalStateException.class, () -> Tensor.zeros(0).item(), "item", "0");
    }

    @Test
    void squeezeOfANonSingletonDim() {
        assertFails(IllegalArgumentException.class, () -> A23.squeeze(1), "squeeze", "dim 1", "size 3");
    }

    @Test
    void creationWithBadSizes() {
        assertFails(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3), "of", "5", "[2, 3]");
        assertFails(IllegalArgumentException.class, () -> Tensor.of(new float[][] {{1, 2}, {3}}), "of", "row 1");
        assertFails(IllegalArgumentException.class, () -> Tensor.zeros(2, -1), "negative", "[2, -1]");
        assertFails(IllegalArgumentException.class, () -> Tensor.arange(0, 5, 0), "arange", "step=0");
        assertFails(IllegalArgumentException.class, () -> Tensor.of(new float[6], -2, -3), "negative");
    }

    @Test
    void topkWithKOutOfRange() {
        assertFails(IllegalArgumentException.class, () -> A23.topk(4, 1, true), "topk", "k=4", "size 3");
        assertFails(IllegalArgumentException.class, () -> A23.topk(-1, 0, false), "topk", "k=-1");
    }

    @Test
    void viewOpsWithImpossibleArguments() {
        assertFails(IllegalArgumentException.class, () -> A23.expand(3, 3), "expand", "[2, 3]", "[3, 3]");
        assertFails(IllegalArgumentException.class, () -> A23.expand(3), "expand", "[2, 3]", "[3]");
        assertFails(IllegalStateException.class, () -> Tensor.zeros(2, 3, 4).t(), "t", "[2, 3, 4]");
        assertFails(IllegalArgumentException.class, () -> A23.slice(0, 0, 2, 0), "slice", "step");
        assertFails(IllegalArgumentException.class, () -> A23.split(0, 0), "split", "0");
        assertFails(IllegalArgumentException.class, () -> A23.chunk(0, 0), "chunk", "0");
    }

    @Test
    void joiningAndIndexingWithMismatchedShapes() {
        assertFails(IllegalArgumentException.class, () -> Tensor.cat(0, A23, Tensor.zeros(2, 4)), "cat", "[2, 4]", "[2, 3]");
        assertFails(IllegalArgumentException.class, () -> Tensor.cat(0, A23, Tensor.zeros(3)), "cat", "[3]");
        assertFails(IllegalArgumentException.class, () -> Tensor.stack(0, A23, Tensor.zeros(3, 2)), "stack", "[2, 3]", "[3, 2]");
        assertFails(IllegalArgumentException.class, () -> A23.indexSelect(0, Tensor.zeros(1, 1)), "indexSelect", "1-d");
        assertFails(IllegalArgumentException.class, () -> A23.gather(0, Tensor.zeros(3)), "gather", "[3]", "[2, 3]");
        assertFails(IllegalArgumentException.class, () -> A23.scatterAdd(0, Tensor.zeros(1, 3), Tensor.zeros(1, 2)), "scatterAdd", "[1, 3]", "[1, 2]");
        assertFails(IllegalArgumentException.class, () -> A23.indexPut_(Tensor.of(0f), Tensor.zeros(4)), "indexPut", "[4]", "[1, 3]");
        assertFails(IllegalArgumentException.class, () -> A23.clamp(1, 0), "clamp");
    }
}
