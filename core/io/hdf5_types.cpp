#include "io/hdf5_types.h"

#include <array>
#include <vector>

namespace aq {
namespace {

// One float layout we accept, as HDF5 describes it (H5Tget_fields / H5Tget_ebias).
struct FloatLayout {
  std::size_t size, spos, epos, esize, mpos, msize, ebias;
  DType dtype;
};
constexpr std::array<FloatLayout, 4> kFloatLayouts{{
    {2, 15, 10, 5, 0, 10, 15, DType::F16},
    {2, 15, 7, 8, 0, 7, 127, DType::BF16},
    {4, 31, 23, 8, 0, 23, 127, DType::F32},
    {8, 63, 52, 11, 0, 52, 1023, DType::F64},
}};

std::optional<DType> float_dtype(hid_t type, std::string& why) {
  const std::size_t size = H5Tget_size(type);
  std::size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
  H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize);
  const std::size_t ebias = H5Tget_ebias(type);
  const bool plain = H5Tget_norm(type) == H5T_NORM_IMPLIED && H5Tget_offset(type) == 0 &&
                     H5Tget_precision(type) == size * 8;
  for (const auto& l : kFloatLayouts)
    if (plain && l.size == size && l.spos == spos && l.epos == epos && l.esize == esize &&
        l.mpos == mpos && l.msize == msize && l.ebias == ebias)
      return l.dtype;
  why = std::to_string(size) + "-byte floating-point type that is not IEEE half, bfloat16, "
        "single or double";
  return std::nullopt;
}

std::optional<DType> integer_dtype(hid_t type, std::string& why) {
  const std::size_t size = H5Tget_size(type);
  const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
  if (H5Tget_offset(type) == 0 && H5Tget_precision(type) == size * 8) {
    switch (size) {
      case 1: return is_signed ? DType::I8 : DType::U8;
      case 2: return is_signed ? DType::I16 : DType::U16;
      case 4: return is_signed ? DType::I32 : DType::U32;
      case 8: return is_signed ? DType::I64 : DType::U64;
      default: break;
    }
  }
  why = std::to_string(size) + "-byte integer type with " + std::to_string(H5Tget_precision(type)) +
        " bits of precision";
  return std::nullopt;
}

const char* class_name(H5T_class_t c) {
  switch (c) {
    case H5T_TIME: return "a time type";
    case H5T_STRING: return "a string type";
    case H5T_BITFIELD: return "a bitfield type";
    case H5T_OPAQUE: return "an opaque type";
    case H5T_COMPOUND: return "a compound type";
    case H5T_REFERENCE: return "a reference type";
    case H5T_ENUM: return "an enum type";
    case H5T_VLEN: return "a variable-length type";
    case H5T_ARRAY: return "an array type";
    default: return "an unknown type class";
  }
}

}  // namespace

std::string hdf5_errors() {
  std::vector<std::string> lines;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        if (e && e->desc && *e->desc) static_cast<std::vector<std::string>*>(data)->push_back(e->desc);
        return 0;
      },
      &lines);
  H5Eclear2(H5E_DEFAULT);
  // The outermost lines are generic ("unable to open file"); the innermost say why.
  std::string out;
  const std::size_t first = lines.size() > 3 ? lines.size() - 3 : 0;
  for (std::size_t i = first; i < lines.size(); ++i) out += (out.empty() ? "" : ": ") + lines[i];
  return out.empty() ? "no detail from the HDF5 library" : out;
}

std::optional<DType> hdf5_dtype(hid_t type, std::string& why) {
  const H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
    why = std::string("its elements are of ") + class_name(cls) + ", not numbers";
    return std::nullopt;
  }
  const H5T_order_t order = H5Tget_order(type);
  if (order != H5T_ORDER_LE && order != H5T_ORDER_BE) {
    why = "its byte order is neither little- nor big-endian";
    return std::nullopt;
  }
  return cls == H5T_FLOAT ? float_dtype(type, why) : integer_dtype(type, why);
}

}  // namespace aq
