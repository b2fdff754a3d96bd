#!/usr/bin/env python3
"""Writes kernels/src/main/resources/sslj/kernels/ptx/nt_xent.ptx.

The PTX is written by hand; this script only spells out the blocks that repeat per register (the 4x4
dot-product tile, the 4x8 gradient accumulators, the per-row online-LSE updates) so that they stay
consistent. Edit the text here, run `python3 docs/tools/nt_xent_ptx.py`, and check with
`ptxas -arch=sm_75 -o /dev/null kernels/src/main/resources/sslj/kernels/ptx/nt_xent.ptx`.
"""
MERGE = """// -----------------------------------------------------------------------------------------------
// nt_xent_merge: combines the column splits' partial (m, S, t_pos) of each row, splits in order.
//
//   m = -1e30, S = 0, t_pos = -inf;  for split = 0 .. splits-1:
//       m' = max(m, m_s);  S = S 2^(m - m') + S_s 2^(m_s - m');  m = m';  t_pos = max(t_pos, t_pos_s)
//   lse_i = ln2 (m + log2 S);   rowLoss_i = ln2 (m - t_pos + log2 S)
//
// Params  part: .u64 [3][splits][2N] f32 (m, S, t_pos from nt_xent_forward); lse, rowLoss: .u64 [2N] out;
//         rows = 2N, splits: .u32
// Launch  block (256,1,1), grid (ceil(2N / 256),1,1).
// -----------------------------------------------------------------------------------------------
.visible .entry nt_xent_merge(
    .param .u64 part,
    .param .u64 lse,
    .param .u64 rowLoss,
    .param .u32 rows,
    .param .u32 splits
)
{
    .reg .pred %p;
    .reg .b32 %i, %rows, %splits, %sp, %idx;
    .reg .b64 %ppart, %plse, %ploss, %off, %addr, %plane;
    .reg .f32 %m, %s, %tp, %mo, %so, %to, %mn, %x, %y, %lg, %out;

    mov.u32 %i, %ctaid.x;
    mov.u32 %idx, %ntid.x;
    mov.u32 %sp, %tid.x;
    mad.lo.u32 %i, %i, %idx, %sp;       // row i
    ld.param.u32 %rows, [rows];
    setp.ge.u32 %p, %i, %rows;
    @%p bra MERGE_DONE;
    ld.param.u32 %splits, [splits];
    ld.param.u64 %ppart, [part];
    ld.param.u64 %plse, [lse];
    ld.param.u64 %ploss, [rowLoss];
    mul.wide.u32 %plane, %rows, 4;
    cvt.u64.u32 %off, %splits;
    mul.lo.u64 %plane, %plane, %off;    // bytes of one [splits][2N] plane

    mov.f32 %m, 0fF149F2CA;
    mov.f32 %s, 0f00000000;
    mov.f32 %tp, 0fFF800000;
    mov.u32 %sp, 0;
SPLITS:
    mad.lo.u32 %idx, %sp, %rows, %i;
    mul.wide.u32 %off, %idx, 4;
    add.s64 %addr, %ppart, %off;
    ld.global.f32 %mo, [%addr];
    add.s64 %addr, %addr, %plane;
    ld.global.f32 %so, [%addr];
    add.s64 %addr, %addr, %plane;
    ld.global.f32 %to, [%addr];
    max.f32 %tp, %tp, %to;
    max.f32 %mn, %m, %mo;
    sub.f32 %x, %m, %mn;
    ex2.approx.ftz.f32 %x, %x;
    sub.f32 %y, %mo, %mn;
    ex2.approx.ftz.f32 %y, %y;
    mul.f32 %so, %so, %y;
    fma.rn.f32 %s, %s, %x, %so;
    mov.f32 %m, %mn;
    add.u32 %sp, %sp, 1;
    setp.lt.u32 %p, %sp, %splits;
    @%p bra SPLITS;

    lg2.approx.ftz.f32 %lg, %s;
    mul.wide.u32 %off, %i, 4;
    add.f32 %out, %m, %lg;
    mul.f32 %out, %out, 0f3F317218;     // lse = ln2 (m + log2 S)
    add.s64 %addr, %plse, %off;
    st.global.f32 [%addr], %out;
    sub.f32 %out, %m, %tp;
    add.f32 %out, %out, %lg;
    mul.f32 %out, %out, 0f3F317218;     // rowLoss = ln2 (m - t_pos + log2 S)
    add.s64 %addr, %ploss, %off;
    st.global.f32 [%addr], %out;
MERGE_DONE:
    ret;
}

"""

GRADREDUCE = """// -----------------------------------------------------------------------------------------------
// nt_xent_grad: grad[i][d] = outScale ( sum_split part[split][i][d] - 2 z_pos(i)[d] ), splits in order.
//
// Params  part: .u64 [splits][2N][D] f32 (from nt_xent_backward); z: .u64 [2N, D]; grad: .u64 [2N, D] out;
//         rows = 2N, dim = D, splits: .u32; outScale = gradScale / (2N tau): .f32
// Launch  block (256,1,1), grid (ceil(2N D / 256),1,1).
// -----------------------------------------------------------------------------------------------
.visible .entry nt_xent_grad(
    .param .u64 part,
    .param .u64 z,
    .param .u64 grad,
    .param .u32 rows,
    .param .u32 dim,
    .param .u32 splits,
    .param .f32 outScale
)
{
    .reg .pred %p;
    .reg .b32 %e, %n, %rows, %dim, %splits, %sp, %i, %d, %pos, %idx, %tmp;
    .reg .b64 %ppart, %pz, %pgrad, %off, %addr, %plane;
    .reg .f32 %acc, %v, %outScale;

    mov.u32 %e, %ctaid.x;
    mov.u32 %tmp, %ntid.x;
    mov.u32 %sp, %tid.x;
    mad.lo.u32 %e, %e, %tmp, %sp;       // element e = i D + d
    ld.param.u32 %rows, [rows];
    ld.param.u32 %dim, [dim];
    mul.lo.u32 %n, %rows, %dim;
    setp.ge.u32 %p, %e, %n;
    @%p bra GRAD_DONE;
    ld.param.u32 %splits, [splits];
    ld.param.f32 %outScale, [outScale];
    ld.param.u64 %ppart, [part];
    ld.param.u64 %pz, [z];
    ld.param.u64 %pgrad, [grad];
    mul.wide.u32 %plane, %n, 4;         // bytes of one split's [2N][D]

    // acc = sum over splits in order
    mul.wide.u32 %off, %e, 4;
    add.s64 %addr, %ppart, %off;
    mov.f32 %acc, 0f00000000;
    mov.u32 %sp, 0;
SUM:
    ld.global.f32 %v, [%addr];
    add.f32 %acc, %acc, %v;
    add.s64 %addr, %addr, %plane;
    add.u32 %sp, %sp, 1;
    setp.lt.u32 %p, %sp, %splits;
    @%p bra SUM;

    // pos(i) = (i + N) mod 2N;  grad = outScale (acc - 2 z_pos(i)[d])
    div.u32 %i, %e, %dim;
    mul.lo.u32 %tmp, %i, %dim;
    sub.u32 %d, %e, %tmp;
    shr.u32 %tmp, %rows, 1;
    add.u32 %pos, %i, %tmp;
    setp.ge.u32 %p, %pos, %rows;
    @%p sub.u32 %pos, %pos, %rows;
    mad.lo.u32 %idx, %pos, %dim, %d;
    mul.wide.u32 %off, %idx, 4;
    add.s64 %addr, %pz, %off;
    ld.global.nc.f32 %v, [%addr];
    fma.rn.f32 %acc, %v, 0fC0000000, %acc;
    mul.f32 %acc, %acc, %outScale;
    mul.wide.u32 %off, %e, 4;
    add.s64 %addr, %pgrad, %off;
    st.global.f32 [%addr], %acc;
GRAD_DONE:
    ret;
}

"""
# Writes nt_xent.ptx. The unrolled register blocks (4x4 dot products, 4x8 gradient accumulators) are
# spelled out here once; everything else is the text as it appears in the file.
R4 = range(4)
R8 = range(8)

def s_tile(rt=4):
    """The shared similarity-tile code: acc[r][c] = z_(row0+ty*rt+r) . z_(c0+tx*4+c) over all of D (rt = 4 or 8 rows a thread)."""
    RB = 8 * rt; SA = RB + 4
    o = []
    o.append(f"    // ---- S tile: %acc_r_c = z_i . z_j for this thread's {rt} rows x 4 columns, D in chunks of 32 ----")
    for r in range(rt):
        for c in R4:
            o.append(f"    mov.f32 %acc{r}{c}, 0f00000000;")
    o.append("    mov.u32 %k0, 0;")
    o.append("KCHUNK_{L}:")
    o.append("    setp.ge.u32 %p, %k0, %dim;")
    o.append("    @%p bra KCHUNK_DONE_{L};")
    o.append(f"    // stage z[row0 .. row0+{RB-1}][k0 .. k0+31] into sA[k][row] and z[c0 .. c0+63][k0 .. k0+31] into sB[k][col],")
    o.append("    // zero outside the matrix. Thread t loads dim k0 + (t & 31) of rows (t >> 5) + 4q: a warp reads 32")
    o.append(f"    // consecutive dims of one row (coalesced); q unrolled, {RB // 4} loads for sA and 16 for sB.")
    o.append("    add.u32 %gk, %k0, %ekT;")
    o.append("    setp.lt.u32 %q0, %gk, %dim;         // this thread's dim is inside the matrix")
    o.append("    add.u32 %gr, %row0, %erT;")
    o.append("    mad.lo.u32 %idx, %gr, %dim, %gk;")
    o.append("    mul.wide.u32 %off, %idx, 4;")
    o.append("    add.s64 %addr, %pz, %off;")
    for q in range(RB // 4):
        o.append(f"    setp.lt.and.u32 %p, %gr, %rows, %q0; mov.f32 %v, 0f00000000; @%p ld.global.nc.f32 %v, [%addr];")
        o.append(f"    st.shared.f32 [%sAw+{16*q}], %v; add.u32 %gr, %gr, 4; add.s64 %addr, %addr, %rowStep;")
    o.append("    add.u32 %gr, %c0, %erT;")
    o.append("    mad.lo.u32 %idx, %gr, %dim, %gk;")
    o.append("    mul.wide.u32 %off, %idx, 4;")
    o.append("    add.s64 %addr, %pz, %off;")
    for q in range(16):
        o.append(f"    setp.lt.and.u32 %p, %gr, %rows, %q0; mov.f32 %v, 0f00000000; @%p ld.global.nc.f32 %v, [%addr];")
        o.append(f"    st.shared.f32 [%sBw+{16*q}], %v; add.u32 %gr, %gr, 4; add.s64 %addr, %addr, %rowStep;")
    o.append("    bar.sync 0;")
    o.append(f"    // 32 rank-1 updates: a = sA[kk][ty*{rt} .. +{rt-1}], b = sB[kk][tx*4 .. +3], acc += a b^T ({rt*4} FMAs per {rt//4+1} shared loads)")
    o.append("    mov.u32 %kk, 0;")
    o.append("    mov.u32 %aPtr, %aRead;")
    o.append("    mov.u32 %bPtr, %bRead;")
    o.append("RANK1_{L}:")
    o.append("    ld.shared.v4.f32 {%a0, %a1, %a2, %a3}, [%aPtr];")
    if rt == 8:
        o.append("    ld.shared.v4.f32 {%a4, %a5, %a6, %a7}, [%aPtr+16];")
    o.append("    ld.shared.v4.f32 {%b0, %b1, %b2, %b3}, [%bPtr];")
    for r in range(rt):
        o.append("    " + " ".join(f"fma.rn.f32 %acc{r}{c}, %a{r}, %b{c}, %acc{r}{c};" for c in R4))
    o.append(f"    add.u32 %aPtr, %aPtr, {SA*4};          // next k: one sA row of {SA} floats")
    o.append("    add.u32 %bPtr, %bPtr, 272;          // next k: one sB row of 68 floats")
    o.append("    add.u32 %kk, %kk, 1;")
    o.append("    setp.lt.u32 %p, %kk, 32;")
    o.append("    @%p bra RANK1_{L};")
    o.append("    bar.sync 0;                         // before the next chunk overwrites sA and sB")
    o.append("    add.u32 %k0, %k0, 32;")
    o.append("    bra.uni KCHUNK_{L};")
    o.append("KCHUNK_DONE_{L}:")
    return "\n".join(o)

COMMON_REGS = """    .reg .pred %p, %q0, %isDiag, %isPad;
    .reg .b32 %t, %tx, %ty, %row0, %c0, %k0, %kk, %q, %e, %er, %ek, %gr, %gk, %idx, %sidx;
    .reg .b32 %rows, %dim, %half, %sAbase, %sBbase, %aRead, %bRead, %aPtr, %bPtr, %myRow, %i, %j, %pos;
    .reg .b64 %pz, %off, %addr, %splitBytes, %nsplit64, %rowStep;
    .reg .b32 %erT, %ekT, %sAw, %sBw;
    .reg .b32 %cbeg, %cend, %splitCols, %split, %nsplit;
    .reg .f32 %v, %scale2, %a<8>, %b<4>, %x;
    .reg .f32 %acc00, %acc01, %acc02, %acc03, %acc10, %acc11, %acc12, %acc13;
    .reg .f32 %acc20, %acc21, %acc22, %acc23, %acc30, %acc31, %acc32, %acc33;"""

SPLIT = """    // this block's columns: split = blockIdx.y covers [cbeg, cend), cbeg = split * splitCols (a multiple of 64)
    ld.param.u32 %splitCols, [splitCols];
    mov.u32 %split, %ctaid.y;
    mul.lo.u32 %cbeg, %split, %splitCols;
    add.u32 %cend, %cbeg, %splitCols;
    min.u32 %cend, %cend, %rows;
    mov.u32 %nsplit, %nctaid.y;
    cvt.u64.u32 %nsplit64, %nsplit;
    mul.wide.u32 %splitBytes, %rows, 4;
    mul.lo.u64 %splitBytes, %splitBytes, %nsplit64;"""

def prologue(rt=4):
    RB = 8 * rt; SA = RB + 4
    return f"""    mov.u32 %t, %tid.x;
    and.b32 %tx, %t, 15;                // column group: columns tx*4 .. tx*4+3 of each tile
    shr.u32 %ty, %t, 4;                 // row group: rows ty*{rt} .. ty*{rt}+{rt-1} of the block
    mov.u32 %row0, %ctaid.x;
    mul.lo.u32 %row0, %row0, {RB};         // row0 = {RB} * blockIdx.x
    ld.param.u64 %pz, [z];
    ld.param.u32 %rows, [rows];
    ld.param.u32 %dim, [dim];
    ld.param.f32 %scale2, [scale2];
    shr.u32 %half, %rows, 1;            // N
    mov.u32 %sAbase, {'sA' if rt == 4 else 'sA8'};
    mov.u32 %sBbase, sB;
    mul.lo.u32 %aRead, %ty, {rt*4};            // byte offset of sA[0][ty*{rt}]
    add.u32 %aRead, %aRead, %sAbase;
    shl.b32 %bRead, %tx, 4;             // byte offset of sB[0][tx*4]
    add.u32 %bRead, %bRead, %sBbase;
    // staging: thread t loads row (t >> 5) + 4q, dim (t & 31) of each chunk; it writes sA[t & 31][(t >> 5) + 4q]
    // and sB[t & 31][(t >> 5) + 4q]; one step of q is 4 rows: 16 D bytes in z, 16 bytes in shared
    shr.u32 %erT, %t, 5;
    and.b32 %ekT, %t, 31;
    mad.lo.u32 %sAw, %ekT, {SA}, %erT;
    shl.b32 %sAw, %sAw, 2;
    add.u32 %sAw, %sAw, %sAbase;
    mad.lo.u32 %sBw, %ekT, 68, %erT;
    shl.b32 %sBw, %sBw, 2;
    add.u32 %sBw, %sBw, %sBbase;
    mul.wide.u32 %rowStep, %dim, 16;"""

def forward():
    o = []
    o.append("""// -----------------------------------------------------------------------------------------------
// nt_xent_forward: per-row log-sum-exp and loss, online over column tiles (flash-attention style).
//
//   for each row i of the block, over all columns j (tiles of 64), in base-2 units t_ij = s_ij log2(e):
//       t_ij = scale2 * z_i . z_j          (scale2 = log2(e) / tau, folded once: exp(s) = 2^t)
//       skip j = i and j >= 2N; remember t_i,pos(i)
//       m_new = max(m, max_j t_ij);  S = S * 2^(m - m_new) + sum_j 2^(t_ij - m_new);  m = m_new
//   each thread keeps (m, S) for its 4 rows over its own 4 columns of every tile; at the end the 16
//   threads of a row group merge their (m, S) pairs by butterfly shuffles (a fixed tree: deterministic)
//   and write this split's (m, S, t_pos) per row; nt_xent_merge turns them into
//       lse_i     = ln2 * (m + log2 S)
//       rowLoss_i = ln2 * (m - t_i,pos + log2 S)          (= lse_i - s_i,pos, exactly 0 when 2N = 2)
//
// Params  z: .u64 [2N, D] row-major f32 (rows normalised); part: .u64 [3][splits][2N] f32 output
//         (m, S, t_pos); rows = 2N, dim = D: .u32; scale2 = log2(e) / tau: .f32;
//         splitCols: .u32 columns per split, a multiple of 64
// Launch  block (128,1,1) = 16 column groups x 8 row groups, grid (ceil(2N / 64), splits, 1), no dynamic
//         shared memory (static: sA8 32x68 and sB 32x68 floats, 17 KB).
//         Thread (tx, ty) computes rows row0 + ty*8 .. +7 against columns c0 + tx*4 .. +3 of each tile.
// -----------------------------------------------------------------------------------------------
.visible .entry nt_xent_forward(
    .param .u64 z,
    .param .u64 part,
    .param .u32 rows,
    .param .u32 dim,
    .param .f32 scale2,
    .param .u32 splitCols
)
{""")
    o.append("    .shared .align 16 .f32 sA8[2176];\n    .shared .align 16 .f32 sB[2176];")
    o.append(COMMON_REGS)
    o.append("    .reg .f32 %m<8>, %s<8>, %tp<8>, %mt, %mn, %mo, %so, %fac, %lg, %out;\n    .reg .f32 " + ", ".join(f"%acc{r}{c}" for r in range(4, 8) for c in R4) + ";")
    o.append("    .reg .b32 %lane, %sh;")
    o.append("    .reg .b64 %ppart;")
    o.append(prologue(8))
    o.append(SPLIT)
    o.append("""
    // running state per row: m = -1e30 (finite, so 2^(m - m_new) never sees inf - inf), S = 0, t_pos = -inf
""")
    for r in R8:
        o.append(f"    mov.f32 %m{r}, 0fF149F2CA; mov.f32 %s{r}, 0f00000000; mov.f32 %tp{r}, 0fFF800000;")
    o.append("""
    mov.u32 %c0, %cbeg;
COLTILE:
    setp.ge.u32 %p, %c0, %cend;
    @%p bra COLTILES_DONE;
""")
    o.append(s_tile(8).replace("{L}", "F"))
    o.append("    // ---- online log-sum-exp update of this thread's 8 rows with its 4 columns ----")
    for r in R8:
        o.append(f"    // row r = {r}: i = row0 + ty*8 + {r}; pos(i) = (i + N) mod 2N")
        o.append(f"    mad.lo.u32 %i, %ty, 8, %row0;")
        o.append(f"    add.u32 %i, %i, {r};")
        o.append(f"    add.u32 %pos, %i, %half;")
        o.append(f"    setp.ge.u32 %p, %pos, %rows;")
        o.append(f"    @%p sub.u32 %pos, %pos, %rows;")
        for c in R4:
            o.append(f"    mad.lo.u32 %j, %tx, 4, %c0;")
            o.append(f"    add.u32 %j, %j, {c};")
            o.append(f"    mul.f32 %acc{r}{c}, %acc{r}{c}, %scale2;       // t_ij")
            o.append(f"    setp.eq.u32 %p, %j, %pos;")
            o.append(f"    @%p mov.f32 %tp{r}, %acc{r}{c};")
            o.append(f"    setp.eq.u32 %isDiag, %j, %i;")
            o.append(f"    setp.ge.or.u32 %isPad, %j, %cend, %isDiag;")
            o.append(f"    @%isPad mov.f32 %acc{r}{c}, 0fFF800000;     // j = i or past 2N: -inf, contributes 2^-inf = 0")
        o.append(f"    max.f32 %mt, %acc{r}0, %acc{r}1;")
        o.append(f"    max.f32 %mt, %mt, %acc{r}2;")
        o.append(f"    max.f32 %mt, %mt, %acc{r}3;")
        o.append(f"    max.f32 %mn, %m{r}, %mt;")
        o.append(f"    sub.f32 %x, %m{r}, %mn;")
        o.append(f"    ex2.approx.ftz.f32 %fac, %x;                 // rescale the old sum to the new max")
        o.append(f"    mul.f32 %s{r}, %s{r}, %fac;")
        for c in R4:
            o.append(f"    sub.f32 %x, %acc{r}{c}, %mn;")
            o.append(f"    ex2.approx.ftz.f32 %x, %x;")
            o.append(f"    add.f32 %s{r}, %s{r}, %x;")
        o.append(f"    mov.f32 %m{r}, %mn;")
    o.append("""
    add.u32 %c0, %c0, 64;
    bra.uni COLTILE;

COLTILES_DONE:
    // ---- merge the 16 partial (m, S) of each row across the row group's lanes (xor 8, 4, 2, 1) ----""")
    for r in R8:
        o.append(f"    // row {r}")
        for sh in (8, 4, 2, 1):
            o.append(f"    shfl.sync.bfly.b32 %mo, %m{r}, {sh}, 31, 0xffffffff;")
            o.append(f"    shfl.sync.bfly.b32 %so, %s{r}, {sh}, 31, 0xffffffff;")
            o.append(f"    shfl.sync.bfly.b32 %x, %tp{r}, {sh}, 31, 0xffffffff;")
            o.append(f"    max.f32 %tp{r}, %tp{r}, %x;")
            o.append(f"    max.f32 %mn, %m{r}, %mo;")
            o.append(f"    sub.f32 %x, %m{r}, %mn;")
            o.append(f"    ex2.approx.ftz.f32 %x, %x;")
            o.append(f"    sub.f32 %fac, %mo, %mn;")
            o.append(f"    ex2.approx.ftz.f32 %fac, %fac;")
            o.append(f"    mul.f32 %so, %so, %fac;")
            o.append(f"    fma.rn.f32 %s{r}, %s{r}, %x, %so;")
            o.append(f"    mov.f32 %m{r}, %mn;")
    o.append("""
    // ---- lane tx = 0 of each row group writes this split's (m, S, t_pos) of its rows to part ----
    setp.ne.u32 %p, %tx, 0;
    @%p bra DONE;
    ld.param.u64 %ppart, [part];""")
    for r in R8:
        o.append(f"    mad.lo.u32 %i, %ty, 8, %row0;")
        o.append(f"    add.u32 %i, %i, {r};")
        o.append(f"    setp.ge.u32 %p, %i, %rows;")
        o.append(f"    @%p bra DONE;")
        o.append(f"    mad.lo.u32 %idx, %split, %rows, %i;      // part_m[split][i]")
        o.append(f"    mul.wide.u32 %off, %idx, 4;")
        o.append(f"    add.s64 %addr, %ppart, %off;")
        o.append(f"    st.global.f32 [%addr], %m{r};")
        o.append(f"    add.s64 %addr, %addr, %splitBytes;      // part_S[split][i]")
        o.append(f"    st.global.f32 [%addr], %s{r};")
        o.append(f"    add.s64 %addr, %addr, %splitBytes;      // part_tpos[split][i]")
        o.append(f"    st.global.f32 [%addr], %tp{r};")
    o.append("DONE:\n    ret;\n}\n")
    return "\n".join(o)

def mean():
    return MERGE + GRADREDUCE + """// -----------------------------------------------------------------------------------------------
// nt_xent_mean: loss = (1/2N) sum_i rowLoss_i, in a fixed order (no atomics: the same bits every run).
//
//   thread t sums rowLoss[t], rowLoss[t + 256], ... in order; then a shared-memory tree over 256 threads
//
// Params  rowLoss: .u64 [2N] f32; loss: .u64 one f32 output; rows = 2N: .u32
// Launch  block (256,1,1), grid (1,1,1), no dynamic shared memory.
// -----------------------------------------------------------------------------------------------
.visible .entry nt_xent_mean(
    .param .u64 rowLoss,
    .param .u64 loss,
    .param .u32 rows
)
{
    .shared .align 16 .f32 partial[256];
    .reg .pred %p;
    .reg .b32 %t, %i, %rows, %s, %myAddr, %otherAddr, %base;
    .reg .b64 %pin, %pout, %off, %addr;
    .reg .f32 %sum, %v, %n;

    mov.u32 %t, %tid.x;
    ld.param.u64 %pin, [rowLoss];
    ld.param.u64 %pout, [loss];
    ld.param.u32 %rows, [rows];

    // sum = rowLoss[t] + rowLoss[t + 256] + ...
    mov.f32 %sum, 0f00000000;
    mov.u32 %i, %t;
STRIDE:
    setp.ge.u32 %p, %i, %rows;
    @%p bra STRIDE_DONE;
    mul.wide.u32 %off, %i, 4;
    add.s64 %addr, %pin, %off;
    ld.global.f32 %v, [%addr];
    add.f32 %sum, %sum, %v;
    add.u32 %i, %i, 256;
    bra.uni STRIDE;
STRIDE_DONE:
    mov.u32 %base, partial;
    shl.b32 %myAddr, %t, 2;
    add.u32 %myAddr, %myAddr, %base;
    st.shared.f32 [%myAddr], %sum;

    // tree: partial[t] += partial[t + s] for s = 128, 64, ..., 1
    mov.u32 %s, 128;
TREE:
    bar.sync 0;
    setp.ge.u32 %p, %t, %s;
    @%p bra TREE_NEXT;
    shl.b32 %otherAddr, %s, 2;
    add.u32 %otherAddr, %myAddr, %otherAddr;
    ld.shared.f32 %v, [%otherAddr];
    add.f32 %sum, %sum, %v;
    st.shared.f32 [%myAddr], %sum;
TREE_NEXT:
    shr.u32 %s, %s, 1;
    setp.ne.u32 %p, %s, 0;
    @%p bra.uni TREE;

    // loss = partial[0] / 2N
    setp.ne.u32 %p, %t, 0;
    @%p bra MEAN_DONE;
    cvt.rn.f32.u32 %n, %rows;
    div.rn.f32 %sum, %sum, %n;
    st.global.f32 [%pout], %sum;
MEAN_DONE:
    ret;
}
"""

def backward():
    o = []
    o.append("""// -----------------------------------------------------------------------------------------------
// nt_xent_backward: dz = outScale * ( sum_j G_ij z_j - 2 z_pos(i) ), recomputing S tile by tile.
//
//   G_ij = P_ij + P_ji = 2^(t_ij - L_i) + 2^(t_ij - L_j),   L = lse * log2(e),  G_ii = 0
//   (s is symmetric, so the block that owns rows i gets P_ji from the same tile: no column pass, no
//   atomics.) outScale = gradScale / (2N tau).
//   Per column tile c0: (1) S tile as in the forward; (2) G into shared sG[j][row];
//   (3) for 2 halves of 64 dims: stage z[c0..c0+63][half] in sZ, acc2 += G z.
//   Thread (tx, ty) accumulates rows ty*4..+3 at dims dc0 + half*64 + tx*4 + {0..3}, half = 0, 1:
//   a block covers 32 rows x 128 dims of one column split; gridDim.z = ceil(D / 128) blocks share the
//   rows. nt_xent_grad then sums the splits and applies - 2 z_pos(i) and the scale.
//
// Params  z: .u64 [2N, D] f32; lse: .u64 [2N] f32 (from nt_xent_merge); part: .u64 [splits][2N][D] out;
//         rows = 2N, dim = D: .u32; scale2 = log2(e)/tau: .f32; splitCols: .u32 (multiple of 64)
// Launch  block (128,1,1), grid (ceil(2N / 32), splits, ceil(D / 128)), no dynamic shared memory
//         (static: sA, sB, sG 64x36 and sZ 64x68 floats, 40 KB).
// -----------------------------------------------------------------------------------------------
.visible .entry nt_xent_backward(
    .param .u64 z,
    .param .u64 lse,
    .param .u64 part,
    .param .u32 rows,
    .param .u32 dim,
    .param .f32 scale2,
    .param .u32 splitCols
)
{""")
    o.append("    .shared .align 16 .f32 sA[1152];\n    .shared .align 16 .f32 sB[2176];\n    .shared .align 16 .f32 sG[2304];\n    .shared .align 16 .f32 sZ[4352];")
    o.append(COMMON_REGS)
    o.append("    .reg .f32 %li<4>, %lj<4>, %g, %y, %outScale, %zp;")
    o.append("    .reg .f32 %g0, %g1, %g2, %g3, %w0, %w1, %w2, %w3;")
    o.append("    .reg .b32 %dc0, %sGbase, %sZbase, %gPtr, %zPtr, %sl, %d, %erZ, %ekZ, %sZw;")
    o.append("    .reg .b64 %zStep;")
    o.append("    .reg .b64 %plse, %pgrad;")
    o.append("    .reg .f32 " + ", ".join(f"%d{r}_{k}" for r in R4 for k in range(8)) + ";")
    o.append(prologue(4))
    o.append(SPLIT)
    o.append("""    ld.param.u64 %plse, [lse];
    ld.param.u64 %pgrad, [part];
    mov.u32 %dc0, %ctaid.z;
    shl.b32 %dc0, %dc0, 7;              // this block's dims start at 128 * blockIdx.y
    mov.u32 %sGbase, sG;
    mov.u32 %sZbase, sZ;
    // z staging for G z: thread t writes sZ[(t >> 6) + 2q][t & 63]; one step of q is 2 rows
    shr.u32 %erZ, %t, 6;
    and.b32 %ekZ, %t, 63;
    mad.lo.u32 %sZw, %erZ, 68, %ekZ;
    shl.b32 %sZw, %sZw, 2;
    add.u32 %sZw, %sZw, %sZbase;
    mul.wide.u32 %zStep, %dim, 8;

    // L_i = lse_i * log2(e) for this thread's 4 rows (+inf past 2N: G = 0 there)""")
    for r in R4:
        o.append(f"    mad.lo.u32 %i, %ty, 4, %row0;")
        o.append(f"    add.u32 %i, %i, {r};")
        o.append(f"    mov.f32 %li{r}, 0f7F800000;")
        o.append(f"    setp.lt.u32 %p, %i, %rows;")
        o.append(f"    mul.wide.u32 %off, %i, 4;")
        o.append(f"    add.s64 %addr, %plse, %off;")
        o.append(f"    @%p ld.global.f32 %li{r}, [%addr];")
        o.append(f"    @%p mul.f32 %li{r}, %li{r}, 0f3FB8AA3B;")
    o.append("    // gradient accumulators: %d<r>_<k> is row ty*4+r, dim dc0 + (k/4)*64 + tx*4 + k%4")
    for r in R4:
        o.append("    " + " ".join(f"mov.f32 %d{r}_{k}, 0f00000000;" for k in range(8)))
    o.append("""
    mov.u32 %c0, %cbeg;
COLTILE:
    setp.ge.u32 %p, %c0, %cend;
    @%p bra COLTILES_DONE;
""")
    o.append(s_tile(4).replace("{L}", "B"))
    o.append("    // ---- G = 2^(t - L_i) + 2^(t - L_j), zero at j = i and past 2N; stored to sG[j][row] ----")
    for c in R4:
        o.append(f"    mad.lo.u32 %j, %tx, 4, %c0;")
        o.append(f"    add.u32 %j, %j, {c};")
        o.append(f"    mov.f32 %lj{c}, 0f7F800000;")
        o.append(f"    setp.lt.u32 %p, %j, %rows;")
        o.append(f"    mul.wide.u32 %off, %j, 4;")
        o.append(f"    add.s64 %addr, %plse, %off;")
        o.append(f"    @%p ld.global.f32 %lj{c}, [%addr];")
        o.append(f"    @%p mul.f32 %lj{c}, %lj{c}, 0f3FB8AA3B;")
    for r in R4:
        o.append(f"    mad.lo.u32 %i, %ty, 4, %row0;")
        o.append(f"    add.u32 %i, %i, {r};")
        for c in R4:
            o.append(f"    mad.lo.u32 %j, %tx, 4, %c0;")
            o.append(f"    add.u32 %j, %j, {c};")
            o.append(f"    mul.f32 %x, %acc{r}{c}, %scale2;")
            o.append(f"    sub.f32 %g, %x, %li{r};")
            o.append(f"    ex2.approx.ftz.f32 %g, %g;                   // P_ij")
            o.append(f"    sub.f32 %y, %x, %lj{c};")
            o.append(f"    ex2.approx.ftz.f32 %y, %y;                   // P_ji")
            o.append(f"    add.f32 %acc{r}{c}, %g, %y;")
            o.append(f"    setp.eq.u32 %p, %j, %i;")
            o.append(f"    @%p mov.f32 %acc{r}{c}, 0f00000000;")
        # store row r's 4 values: sG[(tx*4+c)*36 + ty*4 + r]
    for c in R4:
        o.append(f"    // sG[tx*4+{c}][ty*4 .. +3] = G[rows][column {c}]")
        o.append(f"    mad.lo.u32 %sidx, %tx, 4, {c};")
        o.append(f"    mul.lo.u32 %sidx, %sidx, 36;")
        o.append(f"    mad.lo.u32 %sidx, %ty, 4, %sidx;")
        o.append(f"    shl.b32 %sidx, %sidx, 2;")
        o.append(f"    add.u32 %sidx, %sidx, %sGbase;")
        o.append(f"    st.shared.v4.f32 [%sidx], {{%acc0{c}, %acc1{c}, %acc2{c}, %acc3{c}}};")
    for h in range(2):
        o.append(f"""    // ---- dims half {h}: stage z[c0 .. c0+63][dc0 + {h*64} .. +63] into sZ[j][d] (row stride 68) ----
    bar.sync 0;
    // thread t loads dim (t & 63) of rows j = (t >> 6) + 2q, q = 0..31 unrolled (coalesced 64-float rows)
    add.u32 %gk, %dc0, {h*64};
    add.u32 %gk, %gk, %ekZ;
    setp.lt.u32 %q0, %gk, %dim;
    add.u32 %gr, %c0, %erZ;
    mad.lo.u32 %idx, %gr, %dim, %gk;
    mul.wide.u32 %off, %idx, 4;
    add.s64 %addr, %pz, %off;
""" + "\n".join(f"    setp.lt.and.u32 %p, %gr, %rows, %q0; mov.f32 %v, 0f00000000; @%p ld.global.nc.f32 %v, [%addr];\n"
                 f"    st.shared.f32 [%sZw+{544*q}], %v; add.u32 %gr, %gr, 2; add.s64 %addr, %addr, %zStep;" for q in range(32)) + f"""
    bar.sync 0;
    // acc2 += G[rows][j] z_j[dims] for j = 0..63: g = sG[j][ty*4 .. +3], w = sZ[j][tx*4 .. +3], 16 FMAs
    mov.u32 %kk, 0;
    shl.b32 %gPtr, %ty, 4;
    add.u32 %gPtr, %gPtr, %sGbase;
    shl.b32 %zPtr, %tx, 4;
    add.u32 %zPtr, %zPtr, %sZbase;
GZ{h}:
    ld.shared.v4.f32 {{%g0, %g1, %g2, %g3}}, [%gPtr];
    ld.shared.v4.f32 {{%w0, %w1, %w2, %w3}}, [%zPtr];""")
        for r in R4:
            o.append("    " + " ".join(f"fma.rn.f32 %d{r}_{4*h+c}, %g{r}, %w{c}, %d{r}_{4*h+c};" for c in R4))
        o.append(f"""    add.u32 %gPtr, %gPtr, 144;          // next j: one sG row of 36 floats
    add.u32 %zPtr, %zPtr, 272;          // next j: one sZ row of 68 floats
    add.u32 %kk, %kk, 1;
    setp.lt.u32 %p, %kk, 64;
    @%p bra GZ{h};""")
    o.append("""    bar.sync 0;                         // sB and sG are rewritten by the next tile
    add.u32 %c0, %c0, 64;
    bra.uni COLTILE;

COLTILES_DONE:
    // ---- part[split][i][d] = this split's sum_j G_ij z_j[d] ----""")
    for r in R4:
        o.append(f"    mad.lo.u32 %i, %ty, 4, %row0;")
        o.append(f"    add.u32 %i, %i, {r};")
        o.append(f"    setp.ge.u32 %p, %i, %rows;")
        o.append(f"    @%p bra DONE;")
        o.append(f"    mad.lo.u32 %gr, %split, %rows, %i;       // row of part: split * 2N + i")
        for k in range(8):
            o.append(f"    mad.lo.u32 %d, %tx, 4, %dc0;")
            o.append(f"    add.u32 %d, %d, {(k // 4) * 64 + k % 4};")
            o.append(f"    setp.lt.u32 %p, %d, %dim;")
            o.append(f"    mad.lo.u32 %idx, %gr, %dim, %d;")
            o.append(f"    mul.wide.u32 %off, %idx, 4;")
            o.append(f"    add.s64 %addr, %pgrad, %off;")
            o.append(f"    @%p st.global.f32 [%addr], %d{r}_{k};")
    o.append("DONE:\n    ret;\n}\n")
    return "\n".join(o)

HEADER = """//
// nt_xent.ptx: the fused NT-Xent loss of SimCLR (DESIGN.md section 4), forward and backward, without
// ever writing the 2N x 2N similarity matrix to memory.
//
//   z: [2N, D], rows L2-normalised;  s_ij = z_i . z_j / tau;  pos(i) = (i + N) mod 2N
//   loss = (1/2N) sum_i [ LSE_{j != i} s_ij - s_i,pos(i) ]
//   dloss/dz_i = (1/(2N tau)) [ sum_j (P_ij + P_ji) z_j - 2 z_pos(i) ],  P_ij = exp(s_ij - LSE_i), P_ii = 0
//
// The per-register blocks repeated below (4x4 tile, 4x8 accumulators) are written out by
// docs/tools/nt_xent_ptx.py; edit there and regenerate.
//
// Exponentials are ex2: the logits are kept in base-2 units t = s log2(e), with log2(e)/tau folded into
// one scale (scale2), so exp(s - LSE) = 2^(t - L) with L = LSE log2(e).
//
// Kernels (forward = forward, merge, mean; backward = backward, grad)
//   nt_xent_forward    per-row online max/sum over one column split; 64 rows per block, column tiles of
//                      64 streamed through shared memory, 8x4 register tile per thread
//   nt_xent_merge      merges the splits' (m, S) per row, in split order: lse (saved) and row losses
//   nt_xent_mean       the mean of the 2N row losses, one block, fixed summation order
//   nt_xent_backward   per column split, sum_j G_ij z_j, recomputing each S tile from z and the saved
//                      LSE; the block that owns rows i computes P_ij and P_ji from the same tile
//                      (s is symmetric): no column pass, no atomics
//   nt_xent_grad       sums the splits in order, subtracts 2 z_pos(i), scales
//
// Column splits (gridDim.y) give small batches enough blocks to fill the GPU; their partial results
// are combined in a fixed order, so every run gives the same bits. Memory: z, lse, grad, and the
// partials (3 x splits x 2N, and splits x 2N x D floats): O(N D), never O(N^2).
//
.version 7.0
.target sm_70
.address_size 64

// Shared tiles (each declared inside the kernels that use it):
//   sA[k][row]  32 dims x 32 rows of the block (row stride 36: 16-byte aligned rows, fewer bank conflicts)
//   sA8[k][row] 32 dims x 64 rows of the forward's block (row stride 68)
//   sB[k][col]  32 dims x 64 columns of the tile (row stride 68)
//   sG[j][row]  64 columns x 32 rows of G in backward (row stride 36)
//   sZ[j][d]    64 columns x 64 dims of z in backward (row stride 68)
//   partial     256 partial sums of nt_xent_mean
"""

text = HEADER + "\n" + forward() + "\n" + mean() + "\n" + backward()
import os
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kernels", "src", "main", "resources",
                   "sslj", "kernels", "ptx", "nt_xent.ptx")
open(out, "w").write(text)
