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

void hdf5_quiet_this_thread() {
  // Once, before the library initialises itself: no HDF5 atexit handler. HDF5 1.10 leaves a file
  // id whose H5Fclose failed (a full disk while flushing) in its id table after freeing the file;
  // its atexit handler (H5_term_library) then closes it again and crashes with SIGSEGV. Every file
  // we open is closed explicitly (sources on destruction, writers on commit or abort), so the
  // handler has nothing to do for us.
  static const bool no_atexit = [] {
    H5dont_atexit();
    return true;
  }();
  (void)no_atexit;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Hdf5ErrorInfo hdf5_error_info() {
  struct Walked {
    std::vector<std::string> lines;
    int sys_errno = 0;
  } w;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        auto& w = *static_cast<Walked*>(data);
        if (!e) return 0;
        std::string line;
        if (e->desc && *e->desc) {
          line = e->desc;
        } else {  // no description: the minor message ("addr overflow", ...) and where
          char msg[160] = {};
          if (H5Eget_msg(e->min_num, nullptr, msg, sizeof msg) > 0) line = msg;
          if (e->func_name && *e->func_name) line += std::string(line.empty() ? "" : " in ") + e->func_name;
        }
        // The sec2 driver says "..., errno = 28, error message = '...', ...".
        if (const auto at = line.find("errno = "); at != std::string::npos) {
          int n = 0;
          for (std::size_t i = at + 8; i < line.size() && line[i] >= '0' && line[i] <= '9' && n < 100000; ++i)
            n = n * 10 + (line[i] - '0');
          if (n > 0) w.sys_errno = n;
        }
        for (char& c : line)
          if (c == '\n' || c == '\r') c = ' ';  // the sec2 driver's ctime() ends in a newline
        if (!line.empty()) w.lines.push_back(std::move(line));
        return 0;
      },
      &w);
  H5Eclear2(H5E_DEFAULT);
  // The outermost lines are generic ("unable to open file"); the innermost say why.
  Hdf5ErrorInfo out;
  out.sys_errno = w.sys_errno;
  const std::size_t first = w.lines.size() > 3 ? w.lines.size() - 3 : 0;
  for (std::size_t i = first; i < w.lines.size(); ++i) {
    if (i > first && w.lines[i] == w.lines[i - 1]) continue;
    out.text += (out.text.empty() ? "" : ": ") + w.lines[i];
  }
  if (out.text.empty()) out.text = "no detail from the HDF5 library";
  return out;
}

std::string hdf5_errors() { return hdf5_error_info().text; }

bool hdf5_has_attr(hid_t obj, const char* name) {
  const htri_t r = H5Aexists(obj, name);
  if (r < 0) H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

namespace {

// Opens attribute `name` of `obj`; -1 with `why` if it is missing or cannot be opened.
hid_t open_attr(hid_t obj, const char* name, std::string& why) {
  if (!hdf5_has_attr(obj, name)) {
    why = "missing";
    return -1;
  }
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) why = "cannot be opened: " + hdf5_errors();
  return a;
}

// Number of elements of the attribute's dataspace, -1 if it cannot be read or is not
// scalar/simple/null; rank (0 for scalar or null) in `rank`.
int64_t attr_points(hid_t a, int& rank, bool& null_space) {
  Hdf5IdGuard space{H5Aget_space(a), H5Sclose};
  if (space.id < 0) return -1;
  const H5S_class_t c = H5Sget_simple_extent_type(space.id);
  null_space = c == H5S_NULL;
  if (c == H5S_NULL) {
    rank = 0;
    return 0;
  }
  if (c != H5S_SCALAR && c != H5S_SIMPLE) return -1;
  rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 0 || rank > H5S_MAX_RANK) return -1;
  const hssize_t n = H5Sget_simple_extent_npoints(space.id);
  return n < 0 ? -1 : int64_t(n);
}

}  // namespace

std::optional<std::string> hdf5_string_attr(hid_t obj, const char* name, std::string& why) {
  Hdf5IdGuard a{open_attr(obj, name, why), H5Aclose};
  if (a.id < 0) return std::nullopt;
  Hdf5IdGuard type{H5Aget_type(a.id), H5Tclose};
  if (type.id < 0 || H5Tget_class(type.id) != H5T_STRING) {
    H5Eclear2(H5E_DEFAULT);
    why = "is not a string";
    return std::nullopt;
  }
  int rank = 0;
  bool null_space = false;
  if (attr_points(a.id, rank, null_space) != 1 || rank > 1) {
    H5Eclear2(H5E_DEFAULT);
    why = "is not a single string";
    return std::nullopt;
  }
  constexpr std::size_t kMaxLen = 1 << 20;  // our strings are short; bound what a file can ask for
  std::string out;
  if (H5Tis_variable_str(type.id) > 0) {
    Hdf5IdGuard mem{H5Tcopy(H5T_C_S1), H5Tclose};
    char* p = nullptr;
    // The file's character set (h5py writes UTF-8): HDF5 converts neither way between the two.
    if (mem.id < 0 || H5Tset_size(mem.id, H5T_VARIABLE) < 0 || H5Tset_cset(mem.id, H5Tget_cset(type.id)) < 0 ||
        H5Aread(a.id, mem.id, &p) < 0) {
      why = "cannot be read: " + hdf5_errors();
      return std::nullopt;
    }
    if (p) {
      std::size_t n = 0;
      while (n < kMaxLen && p[n]) ++n;
      out.assign(p, n);
      H5free_memory(p);
    }
  } else {
    const std::size_t size = H5Tget_size(type.id);
    if (size == 0 || size > kMaxLen) {
      H5Eclear2(H5E_DEFAULT);
      why = "has an invalid string length (" + std::to_string(size) + " bytes)";
      return std::nullopt;
    }
    std::vector<char> buf(size + 1, '\0');
    if (H5Aread(a.id, type.id, buf.data()) < 0) {  // read as stored: no padding conversion
      why = "cannot be read: " + hdf5_errors();
      return std::nullopt;
    }
    out.assign(buf.data());  // stops at the first NUL (null-terminated or null-padded)
    if (H5Tget_strpad(type.id) == H5T_STR_SPACEPAD)
      while (!out.empty() && out.back() == ' ') out.pop_back();
  }
  return out;
}

std::optional<int64_t> hdf5_int_attr(hid_t obj, const char* name, std::string& why) {
  Hdf5IdGuard a{open_attr(obj, name, why), H5Aclose};
  if (a.id < 0) return std::nullopt;
  Hdf5IdGuard type{H5Aget_type(a.id), H5Tclose};
  if (type.id < 0 || H5Tget_class(type.id) != H5T_INTEGER) {
    H5Eclear2(H5E_DEFAULT);
    why = "is not an integer";
    return std::nullopt;
  }
  int rank = 0;
  bool null_space = false;
  if (attr_points(a.id, rank, null_space) != 1 || rank > 1) {
    H5Eclear2(H5E_DEFAULT);
    why = "is not a single integer";
    return std::nullopt;
  }
  int64_t v = 0;
  // Out-of-range values (a huge unsigned one) are clamped by the conversion; callers check ranges.
  if (H5Aread(a.id, H5T_NATIVE_INT64, &v) < 0) {
    why = "cannot be read: " + hdf5_errors();
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<int64_t>> hdf5_int_array_attr(hid_t obj, const char* name, std::size_t max_len,
                                                        std::string& why) {
  Hdf5IdGuard a{open_attr(obj, name, why), H5Aclose};
  if (a.id < 0) return std::nullopt;
  Hdf5IdGuard type{H5Aget_type(a.id), H5Tclose};
  if (type.id < 0 || H5Tget_class(type.id) != H5T_INTEGER) {
    H5Eclear2(H5E_DEFAULT);
    why = "is not an integer array";
    return std::nullopt;
  }
  int rank = 0;
  bool null_space = false;
  const int64_t n = attr_points(a.id, rank, null_space);
  if (n < 0 || (!null_space && rank != 1)) {
    H5Eclear2(H5E_DEFAULT);
    why = "is not a one-dimensional integer array";
    return std::nullopt;
  }
  if (uint64_t(n) > max_len) {
    why = "has " + std::to_string(n) + " elements, more than " + std::to_string(max_len);
    return std::nullopt;
  }
  std::vector<int64_t> v(std::size_t(n), 0);
  if (n > 0 && H5Aread(a.id, H5T_NATIVE_INT64, v.data()) < 0) {
    why = "cannot be read: " + hdf5_errors();
    return std::nullopt;
  }
  return v;
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
