// Prints what @huggingface/gguf reads from a local GGUF file, as JSON: the metadata, each tensor's
// name, dims (innermost first), ggml type and offset, and where the data section starts.
import { gguf } from "@huggingface/gguf";

const file = process.argv[2];
const { metadata, tensorInfos, tensorDataOffset } = await gguf(file, { allowLocalFile: true });
const plain = (v) => (typeof v === "bigint" ? Number(v) : v);
console.log(
  JSON.stringify({
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, plain(v)])),
    data_offset: plain(tensorDataOffset),
    tensors: tensorInfos.map((t) => ({ name: t.name, ne: t.shape.map(plain), type: t.dtype, offset: plain(t.offset) })),
  })
);
