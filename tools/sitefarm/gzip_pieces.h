// Gzip without per-request compression: text pieces are deflated once (each
// from a fresh compressor, ending byte-aligned with a sync flush), and a page
// is assembled from those pieces plus per-request text sent as stored
// blocks. Concatenating such segments is a valid deflate stream (RFC 1951),
// and the gzip CRC is combined arithmetically. This lets the bulk sites answer
// `Accept-Encoding: gzip` thousands of times a second on one core.
// DeflatePiece is immutable once built; PageBuilder is used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::sitefarm {

struct DeflatePiece {
  std::string text;      // the plain bytes
  std::string deflated;  // raw deflate of text, not final, byte-aligned
  uint32_t crc = 0;      // CRC-32 of text
};

// Deflates `text` once (best compression). Cannot fail.
DeflatePiece MakePiece(std::string text);

// Collects a page as per-request text and prebuilt pieces; renders it plain
// or gzip-compressed. Pieces are referenced, not copied: they must outlive
// the builder.
class PageBuilder {
 public:
  // Appends per-request text (stored uncompressed in the gzip rendering).
  void Text(std::string_view text);
  void Piece(const DeflatePiece& piece);
  size_t size() const { return size_; }
  std::string Plain() const;
  std::string Gzip() const;

 private:
  struct Part {
    std::string text;  // used when piece is null
    const DeflatePiece* piece = nullptr;
  };
  std::vector<Part> parts_;
  size_t size_ = 0;
};

}  // namespace trawl::sitefarm
