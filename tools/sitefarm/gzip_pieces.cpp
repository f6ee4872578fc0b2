// Gzip assembled from precompressed pieces and stored blocks.
#include "sitefarm/gzip_pieces.h"

#include <zlib.h>

#include <algorithm>

namespace trawl::sitefarm {
namespace {

constexpr size_t kMaxStoredBlock = 65535;

void PutLe16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
}

// Stored blocks (BTYPE 00, not final). The stream is byte-aligned before
// each one, so the 3 header bits and their padding make one zero byte.
void AppendStored(std::string& out, std::string_view text) {
  while (!text.empty()) {
    size_t len = std::min(text.size(), kMaxStoredBlock);
    out.push_back('\0');
    PutLe16(out, static_cast<uint32_t>(len));
    PutLe16(out, static_cast<uint32_t>(~len & 0xffff));
    out.append(text.substr(0, len));
    text.remove_prefix(len);
  }
}

}  // namespace

DeflatePiece MakePiece(std::string text) {
  DeflatePiece p;
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
  p.deflated.resize(deflateBound(&z, text.size()) + 16);
  z.next_in = reinterpret_cast<Bytef*>(text.data());
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(p.deflated.data());
  z.avail_out = static_cast<uInt>(p.deflated.size());
  deflate(&z, Z_SYNC_FLUSH);
  p.deflated.resize(z.total_out);
  deflateEnd(&z);
  p.crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(text.data()),
                                      static_cast<uInt>(text.size())));
  p.text = std::move(text);
  return p;
}

void PageBuilder::Text(std::string_view text) {
  if (parts_.empty() || parts_.back().piece) parts_.emplace_back();
  parts_.back().text.append(text);
  size_ += text.size();
}

void PageBuilder::Piece(const DeflatePiece& piece) {
  parts_.push_back(Part{{}, &piece});
  size_ += piece.text.size();
}

std::string PageBuilder::Plain() const {
  std::string out;
  out.reserve(size_);
  for (const Part& p : parts_) out += p.piece ? p.piece->text : p.text;
  return out;
}

std::string PageBuilder::Gzip() const {
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  out.reserve(size_ / 2);
  uLong crc = crc32(0, nullptr, 0);
  for (const Part& p : parts_) {
    if (p.piece) {
      out += p.piece->deflated;
      crc = crc32_combine(crc, p.piece->crc, static_cast<z_off_t>(p.piece->text.size()));
    } else {
      AppendStored(out, p.text);
      crc = crc32(crc, reinterpret_cast<const Bytef*>(p.text.data()), static_cast<uInt>(p.text.size()));
    }
  }
  out += std::string_view("\x03\x00", 2);  // empty final block (fixed Huffman, end code)
  for (uint32_t v : {static_cast<uint32_t>(crc), static_cast<uint32_t>(size_ & 0xffffffffu)}) {
    PutLe16(out, v & 0xffff);
    PutLe16(out, v >> 16);
  }
  return out;
}

}  // namespace trawl::sitefarm
