/**
 * Launchers of the hand-written PTX kernels that a CUDA backend calls, at the level of device
 * pointers (no tensors, no Backend): one class per PTX file in {@code sslj/kernels/ptx/}.
 *
 * <ul>
 *   <li>{@link sslj.kernels.ops.GemmKernels} ({@code gemm.ptx}): batched, strided SGEMM with
 *       transposed operands by flag, the CPU's {@code Gemm.sgemm} convention plus batch strides.</li>
 *   <li>{@link sslj.kernels.ops.IndexKernels} ({@code indexing.ptx}): concat's slice copy,
 *       indexSelect, gather, scatterAdd, indexPut, argsort / topk, with the CPU's semantics and its
 *       exception messages for bad indices.</li>
 *   <li>{@link sslj.kernels.ops.Im2colKernels} ({@code im2col.ptx}): unfold / fold for 2-d
 *       convolution in PyTorch's F.unfold layout.</li>
 * </ul>
 *
 * Conventions: each launcher is built once per {@link sslj.kernels.runtime.GpuRuntime} (modules are
 * cached by the runtime); every launch is asynchronous on the runtime's stream except the index
 * ops that validate indices, which read back one word to raise the error. Arguments (sizes,
 * allocation extents) are checked before launching and reported naming the op. Every kernel is
 * deterministic: no floating-point atomics. Tests: {@code tests/src/test/java/sslj/kernels/ops/}.
 */
package sslj.kernels.ops;
