// Bulk pages assembled from shared text pieces (filler paragraphs, headings,
// style and script blocks built once) and per-site text, rendered plain or
// gzip-compressed. The gzip rendering is one deflate stream over the whole
// page at level 1, as a web server compressing on the fly sends it (nginx's
// default gzip_comp_level is 1): a client decodes it at the cost it would
// pay on the real web. (Splicing separately pre-deflated pieces, as the farm
// once did, gave every page dozens of tiny Huffman-coded blocks and made
// decoding it about 8x dearer than a real server's stream.)
// TextPiece is immutable once built; PageBuilder is used by one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trawl::sitefarm {

struct TextPiece {
  std::string text;  // the plain bytes
};

// Wraps `text` as a shared piece. Cannot fail.
TextPiece MakePiece(std::string text);

// Collects a page as per-site text and shared pieces; renders it plain or
// gzip-compressed. Pieces are referenced, not copied: they must outlive the
// builder.
class PageBuilder {
 public:
  void Text(std::string_view text);
  void Piece(const TextPiece& piece);
  size_t size() const { return size_; }
  std::string Plain() const;
  // Plain(), gzip-compressed in one stream (level 1).
  std::string Gzip() const;

 private:
  struct Part {
    std::string text;  // used when piece is null
    const TextPiece* piece = nullptr;
  };
  std::vector<Part> parts_;
  size_t size_ = 0;
};

}  // namespace trawl::sitefarm
