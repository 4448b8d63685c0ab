"""Attention layers: `MultiheadAttention`, the Transformer encoder (`TransformerEncoderLayer`, a stack of them
in `TransformerEncoder`), its decoder (`TransformerDecoderLayer`, `TransformerDecoder`) and the two together
(`Transformer`), built from `F.linear`, `F.scaled_dot_product_attention`, dropout and `LayerNorm`.

Attention is softmax(Q K^T / sqrt(d) + mask) V (see `F.scaled_dot_product_attention`): every position takes a
weighted average of the values of the positions it attends to, the weights saying how well its query matches
their keys. Multi-head attention runs it `num_heads` times on slices of the embedding, each with its own
projections, and mixes the heads with `out_proj`. torch's layouts, names, initialisation order and checks."""
from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

from ... import _creation
from ..._dtype import PACKAGE
from ..._tensor import Tensor, _warn_once
from ...autograd.grad_mode import is_grad_enabled
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .activation import GELU, ReLU
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear, NonDynamicallyQuantizableLinear
from .module import Module
from .normalization import LayerNorm


class MultiheadAttention(Module):
    """Attention of `num_heads` heads over an embedding of `embed_dim` (each head sees embed_dim/num_heads of it).

    Inputs are (L, N, E) (sequence first) or (N, L, E) with `batch_first`, or unbatched (L, E). Parameters as
    torch's: one packed `in_proj_weight` (3E, E) for query, key and value, or `q_proj_weight`, `k_proj_weight`,
    `v_proj_weight` when key and value have other sizes (`kdim`, `vdim`); `in_proj_bias` (3E); `out_proj`.
    `add_bias_kv` appends a learned key and value, `add_zero_attn` a zero one, to every sequence.
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None, dtype: Any = None) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(_creation.empty((embed_dim, embed_dim), **factory))
            self.k_proj_weight = Parameter(_creation.empty((embed_dim, self.kdim), **factory))
            self.v_proj_weight = Parameter(_creation.empty((embed_dim, self.vdim), **factory))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(_creation.empty((3 * embed_dim, embed_dim), **factory))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(_creation.empty(3 * embed_dim, **factory))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **factory)
        if add_bias_kv:
            self.bias_k = Parameter(_creation.empty((1, 1, embed_dim), **factory))
            self.bias_v = Parameter(_creation.empty((1, 1, embed_dim), **factory))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """torch's order of draws (after out_proj's own Linear init): the projections by xavier_uniform_, biases
        0, bias_k and bias_v by xavier_normal_."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """(attention output, attention weights or None). `key_padding_mask` (N, S): True (or -inf) at keys to
        ignore; `attn_mask` (L, S) or (N * num_heads, L, S): True (or -inf) where a query may not attend."""
        is_batched = query.dim() == 3
        float_masks = any(mask is not None and mask.is_floating_point() for mask in (attn_mask, key_padding_mask))
        fused = not float_masks and self._fused_path_applies(query, key, value)
        key_padding_mask = F._canonical_mask(key_padding_mask, "key_padding_mask", F._none_or_dtype(attn_mask),
                                             "attn_mask", query.dtype)
        attn_mask = F._canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if self.batch_first and is_batched:  # computed sequence first, as torch does
            query, key, value = _sequence_first(query, key, value)
        separate = {} if self._qkv_same_embed_dim else {
            "use_separate_proj_weight": True, "q_proj_weight": self.q_proj_weight,
            "k_proj_weight": self.k_proj_weight, "v_proj_weight": self.v_proj_weight}
        attn_output, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias, self.bias_k,
            self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights or fused,
            attn_mask=attn_mask, average_attn_weights=average_attn_weights, is_causal=is_causal, **separate)
        weights = weights if need_weights else None
        if self.batch_first and is_batched:
            return attn_output.transpose(1, 0), weights
        return attn_output, weights

    def _fused_path_applies(self, query: Tensor, key: Tensor, value: Tensor) -> bool:
        """Whether torch takes its fused inference kernel (self-attention of a batch_first batch, in eval mode,
        nothing needing grad, even heads, packed weights with biases, bool masks only: checked by the caller).
        Its values are the formula's, but with a plain softmax: a query that may attend nothing gets NaN, where
        `scaled_dot_product_attention` gives 0; so it is computed as when the weights are asked for."""
        params = (self.in_proj_weight, self.in_proj_bias, self.out_proj.weight, self.out_proj.bias)
        return (query.dim() == 3 and query is key and key is value and self.batch_first and not self.training
                and self._qkv_same_embed_dim and self.in_proj_bias is not None
                and query.dtype == self.in_proj_weight.dtype == self.in_proj_bias.dtype
                and self.num_heads % 2 == 0 and self.bias_k is None and self.bias_v is None
                and not self.add_zero_attn and not _needs_grad(query, *params))

    def merge_masks(self, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                    query: Tensor) -> tuple[Tensor | None, int | None]:
        """torch's helper for its fused kernels: (the masks merged, of shape (N, heads, L, L), and their type: 0
        attn_mask, 1 key_padding_mask, 2 both), or (None, None)."""
        mask_type, merged_mask = None, None
        if key_padding_mask is not None:
            mask_type, merged_mask = 1, key_padding_mask
        if attn_mask is not None:
            batch_size, seq_len, _ = query.shape
            mask_type = 2
            if attn_mask.dim() == 3:
                merged_mask = attn_mask.view(batch_size, -1, seq_len, seq_len)
            else:
                merged_mask = attn_mask.view(1, 1, seq_len, seq_len).expand(batch_size, self.num_heads, -1, -1)
            if key_padding_mask is not None:
                padding = key_padding_mask.view(batch_size, 1, 1, seq_len).expand(-1, self.num_heads, -1, -1)
                merged_mask = merged_mask + padding
        return merged_mask, mask_type


def _needs_grad(*tensors: Tensor | None) -> bool:
    """Whether autograd records a graph through any of `tensors` (torch's fused paths are for inference only)."""
    return is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors)


def _blocking(mask: Tensor | None, dtype: Any) -> Tensor | None:
    """A float mask as torch's fused encoder kernel reads it, whatever its dtype: -inf wherever it is nonzero."""
    return None if mask is None else F._blocked_as_bias(mask != 0, dtype)


def _sequence_first(query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(N, L, E) -> (L, N, E), keeping which of the three are the same tensor (torch's projection looks)."""
    if key is value:
        if query is key:
            query = key = value = query.transpose(1, 0)
        else:
            query, key = (x.transpose(1, 0) for x in (query, key))
            value = key
        return query, key, value
    return query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)


class _TransformerLayer(Module):
    """What the encoder's and the decoder's layers share, built in torch's order (its order of draws too): the
    attentions named in `_attentions`, the feed-forward network (`linear1`, `dropout`, `linear2`), then one
    LayerNorm and one dropout per block (each attention and the feed-forward: `norm1`..., `dropout1`...)."""

    _attentions: tuple[str, ...] = ()

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        for name in self._attentions:
            self.add_module(name, MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                     batch_first=batch_first, **factory))
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **factory)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **factory)
        self.norm_first = norm_first
        blocks = range(1, len(self._attentions) + 2)
        for block in blocks:
            self.add_module(f"norm{block}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory))
        for block in blocks:
            self.add_module(f"dropout{block}", Dropout(dropout))
        self._set_activation(_get_activation_fn(activation) if isinstance(activation, str) else activation)

    def _set_activation(self, activation: Callable[[Tensor], Tensor]) -> None:
        self.activation = activation


class TransformerEncoderLayer(_TransformerLayer):
    """Self-attention then a feed-forward network (linear2(dropout(activation(linear1(x))))), each added to its
    input (a residual connection) and normalised: `norm1(x + attention(x))`, `norm2(x + feedforward(x))`, or,
    with `norm_first`, `x + attention(norm1(x))` and `x + feedforward(norm2(x))`."""

    _attentions = ("self_attn",)

    def _set_activation(self, activation: Callable[[Tensor], Tensor]) -> None:
        """The activation, and which one torch's fused kernel may compute (1 relu, 2 gelu, 0 neither)."""
        if activation is F.relu or isinstance(activation, ReLU):
            self.activation_relu_or_gelu = 1
        elif activation is F.gelu or isinstance(activation, GELU):
            self.activation_relu_or_gelu = 2
        else:
            self.activation_relu_or_gelu = 0
        self.activation = activation

    def forward(self, src: Tensor, src_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        src_key_padding_mask = F._canonical_mask(src_key_padding_mask, "src_key_padding_mask",
                                                 F._none_or_dtype(src_mask), "src_mask", src.dtype)
        src_mask = F._canonical_mask(src_mask, "src_mask", None, "", src.dtype, check_other=False)
        fused = self._fused_path_applies(src)
        if fused:  # (torch's kernel merges the masks first, with their errors, and blocks at any nonzero entry)
            self.self_attn.merge_masks(src_mask, src_key_padding_mask, src)
            src_mask, src_key_padding_mask = (_blocking(mask, src.dtype) for mask in (src_mask, src_key_padding_mask))
        norm1, norm2 = self._part("norm1", fused), self._part("norm2", fused)
        x = src
        if self.norm_first:
            x = x + self._sa_block(norm1(x), src_mask, src_key_padding_mask, is_causal=is_causal, fused=fused)
            return x + self._ff_block(norm2(x), fused)
        x = norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal=is_causal, fused=fused))
        return norm2(x + self._ff_block(x, fused))

    def _part(self, name: str, fused: bool) -> Callable:
        """The submodule `name`, or in torch's fused kernel its `forward` alone: the kernel does not call the
        submodules, so the hooks every module has (`register_module_forward_hook`) do not see them."""
        module = self._modules[name]
        return module.forward if fused else module

    def _fused_path_applies(self, src: Tensor) -> bool:
        """Whether torch runs the layer as its fused inference kernel (a batch_first batch in eval mode, nothing
        needing grad, even heads, biases, relu or gelu, one eps, no hooks). Its values are the formula's with three
        differences: a float mask blocks where it is nonzero (instead of being added), a plain softmax (NaN for a
        query that may attend nothing) and an exact gelu whenever the activation is some GELU."""
        attn = self.self_attn
        hooked = any(m._forward_hooks or m._forward_pre_hooks for m in self.modules())
        return (src.dim() == 3 and not self.training and attn.batch_first and attn.in_proj_bias is not None
                and attn._qkv_same_embed_dim and bool(self.activation_relu_or_gelu)
                and self.norm1.eps == self.norm2.eps and attn.num_heads % 2 == 0 and not hooked
                and not _needs_grad(src, *self._kernel_parameters()))

    def _kernel_parameters(self) -> list:
        """The parameters torch's fused kernels take (none of them may need grad for those to run)."""
        attn, layers = self.self_attn, (self.norm1, self.norm2, self.linear1, self.linear2)
        return ([attn.in_proj_weight, attn.in_proj_bias, attn.out_proj.weight, attn.out_proj.bias]
                + [layer.weight for layer in layers] + [layer.bias for layer in layers])

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                  is_causal: bool = False, fused: bool = False) -> Tensor:
        x = self._part("self_attn", fused)(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                           need_weights=fused, is_causal=is_causal)[0]
        return self._part("dropout1", fused)(x)

    def _ff_block(self, x: Tensor, fused: bool = False) -> Tensor:
        activation = (F.relu if self.activation_relu_or_gelu == 1 else F.gelu) if fused else self.activation
        linear1, dropout, linear2 = (self._part(name, fused) for name in ("linear1", "dropout", "linear2"))
        return self._part("dropout2", fused)(linear2(dropout(activation(linear1(x)))))


class TransformerEncoder(Module):
    """`num_layers` copies of `encoder_layer` (deep copies: all start with the same weights), applied in turn,
    then the optional `norm`. `enable_nested_tensor`: torch's faster inference on padded batches, without the
    padded positions (nested tensors); here the same computation with the padding masked, whose padded
    positions are then zeroed as torch's are (see `_nested_padding`)."""

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        why_not = _why_not_nested(encoder_layer)
        if enable_nested_tensor and why_not:
            warnings.warn(f"enable_nested_tensor is True, but self.use_nested_tensor is False because {why_not}",
                          stacklevel=2)
            self.use_nested_tensor = False

    def forward(self, src: Tensor, mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:
        """`is_causal=None`: True when `mask` is the causal mask of the sequence's length."""
        src_key_padding_mask = F._canonical_mask(src_key_padding_mask, "src_key_padding_mask",
                                                 F._none_or_dtype(mask), "mask", src.dtype)
        mask = F._canonical_mask(mask, "mask", None, "", src.dtype, check_other=False)
        seq_len = _sequence_length(src, self.layers[0].self_attn.batch_first)
        is_causal = _detect_is_causal_mask(mask, is_causal, seq_len)
        padded = self._nested_padding(src, mask, src_key_padding_mask)
        if padded is not None:
            src_key_padding_mask = padded
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask)
        if padded is not None:  # (torch's nested tensor, padded back with zeros)
            output = output.masked_fill(padded.unsqueeze(-1), 0.0)
        if self.norm is not None:
            output = self.norm(output)
        return output

    def _nested_padding(self, src: Tensor, mask: Tensor | None, key_padding_mask: Tensor | None) -> Tensor | None:
        """Where the sequences are padded, when torch runs the stack on a nested tensor (inference on a padded
        batch_first batch without `mask`, each sequence's padding at its end, or unchecked without `mask_check`),
        or None when it does not. The nested tensor holds the first n positions of a sequence with n unpadded
        ones (the same ones when the padding is at the end), and the padded positions come out as zeros.
        torch's order: with `mask_check`, the padding is checked before `mask` and grad are looked at."""
        first = self.layers[0]
        if not self.use_nested_tensor or first.training or src.dim() != 3 or key_padding_mask is None:
            return None
        if self.mask_check:
            kept = _kept_positions(src, key_padding_mask)
            if not bool((kept[:, 1:] <= kept[:, :-1]).all()):  # (not left-aligned)
                return None
        if mask is not None or _needs_grad(src, *first._kernel_parameters()):
            return None
        lengths = _kept_positions(src, key_padding_mask).sum(-1, keepdim=True)
        _warn_once("nested tensors", "The PyTorch API of nested tensors is in prototype stage and will change in the "
                   f"near future. We recommend specifying layout={PACKAGE}.jagged when constructing a nested tensor, "
                   "as this layout receives active development, has better operator coverage, and works with "
                   f"{PACKAGE}.compile.")
        if not bool(lengths.any()):  # (torch's error comes when padding back, after the layers: none raise here)
            raise RuntimeError("to_padded_tensor: at least one constituent tensor should have non-zero numel")
        return _creation.arange(key_padding_mask.size(1)) >= lengths


class TransformerDecoderLayer(_TransformerLayer):
    """Self-attention over the target, attention from the target to `memory` (the encoder's output: cross-
    attention), then a feed-forward network, each added to its input and normalised: `norm1(x + self_attn(x))`,
    `norm2(x + cross_attn(x, memory))`, `norm3(x + feedforward(x))`, or, with `norm_first`, each block applied
    to the normalised input (`x + self_attn(norm1(x))`...)."""

    _attentions = ("self_attn", "multihead_attn")

    def __setstate__(self, state: dict) -> None:
        """torch's: a state without `activation` (a Module activation is kept among the submodules) gets F.relu,
        which then shadows that submodule; so a copy (TransformerDecoder's layers, a loaded pickle) of a layer
        whose activation is a Module applies relu."""
        state.setdefault("activation", F.relu)
        self.__dict__.update(state)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool = False, memory_is_causal: bool = False) -> Tensor:
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
        return self.norm3(x + self._ff_block(x))

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                  is_causal: bool = False) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal,
                           need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x: Tensor, mem: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                   is_causal: bool = False) -> Tensor:
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                is_causal=is_causal, need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoder(Module):
    """`num_layers` copies of `decoder_layer` (deep copies: all start with the same weights), each attending to
    the same `memory`, then the optional `norm`."""

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool | None = None, memory_is_causal: bool = False) -> Tensor:
        """`tgt_is_causal=None`: True when `tgt_mask` is the causal mask of the target's length."""
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal,
                                               _sequence_length(tgt, self.layers[0].self_attn.batch_first))
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                           tgt_key_padding_mask=tgt_key_padding_mask,
                           memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                           memory_is_causal=memory_is_causal)
        return output if self.norm is None else self.norm(output)


class Transformer(Module):
    """The encoder-decoder of "Attention Is All You Need": `encoder` (a TransformerEncoder ending in a LayerNorm)
    reads `src` into a memory that every layer of `decoder` (a TransformerDecoder, ending in a LayerNorm) attends
    to while reading `tgt`. `custom_encoder` / `custom_decoder` replace either. Every weight matrix (any parameter
    of 2 dims or more) is then drawn again by `xavier_uniform_`, in `parameters()` order, as torch does."""

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6, num_decoder_layers: int = 6,
                 dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, custom_encoder: Any | None = None,
                 custom_decoder: Any | None = None, layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                      bias)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(TransformerEncoderLayer(*layer_args, **factory), num_encoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(TransformerDecoderLayer(*layer_args, **factory), num_decoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory))
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Tensor | None = None, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                src_is_causal: bool | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        is_batched = src.dim() == 3
        if is_batched and src.size(0 if self.batch_first else 1) != tgt.size(0 if self.batch_first else 1):
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.size(-1) != self.d_model or tgt.size(-1) != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
        """The causal mask of a sequence of `sz` (see `_generate_square_subsequent_mask`)."""
        return _generate_square_subsequent_mask(sz, dtype=dtype, device=device)

    def _reset_parameters(self) -> None:
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)


def _kept_positions(src: Tensor, key_padding_mask: Tensor) -> Tensor:
    """The positions a (canonical, float) padding mask keeps, with torch's checks of its shape."""
    if key_padding_mask.dim() != 2:
        raise RuntimeError("Padding mask should be 2D")
    if key_padding_mask.shape != src.shape[:2]:
        raise RuntimeError("Mask size should match input size")
    return key_padding_mask == 0


def _why_not_nested(layer: Module) -> str:
    """torch's reason (for its warning) why the layer cannot take its nested-tensor path, or ''."""
    name = "encoder_layer"
    if not isinstance(layer, TransformerEncoderLayer):
        return f"{name} was not TransformerEncoderLayer"
    if layer.norm_first:
        return f"{name}.norm_first was True"
    if not layer.self_attn.batch_first:
        return f"{name}.self_attn.batch_first was not True(use batch_first for better inference performance)"
    if not layer.self_attn._qkv_same_embed_dim:
        return f"{name}.self_attn._qkv_same_embed_dim was not True"
    if layer.self_attn.in_proj_bias is None:
        return f"{name}.self_attn was passed bias=False"
    if not layer.activation_relu_or_gelu:
        return f"{name}.activation_relu_or_gelu was not True"
    if layer.norm1.eps != layer.norm2.eps:
        return f"{name}.norm1.eps was not equal to {name}.norm2.eps"
    if layer.self_attn.num_heads % 2 == 1:
        return f"{name}.self_attn.num_heads is odd"
    return ""


def _get_activation_fn(activation: str) -> Callable[[Tensor], Tensor]:
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


def _generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
    """The causal mask: -inf above the diagonal (position i may not see j > i), 0 elsewhere."""
    return _creation.full((sz, sz), float("-inf"), dtype=dtype, device=device).triu(diagonal=1)


def _sequence_length(x: Tensor, batch_first: bool) -> int:
    """The length of the sequences in `x`: (S, E) unbatched, (S, N, E), or (N, S, E) `batch_first`."""
    return x.size(0) if x.dim() == 2 else x.size(1 if batch_first else 0)


def _detect_is_causal_mask(mask: Tensor | None, is_causal: bool | None = None, size: int | None = None) -> bool:
    """`is_causal` if given, else whether `mask` equals the causal mask of `size` (or of its own size)."""
    make_causal = is_causal is True
    if is_causal is None and mask is not None:
        causal = _generate_square_subsequent_mask(size if size is not None else mask.size(-2), dtype=mask.dtype)
        make_causal = mask.size() == causal.size() and bool((mask == causal).all())
    return make_causal
