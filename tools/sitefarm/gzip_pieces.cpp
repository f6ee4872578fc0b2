// Bulk pages from shared pieces; gzip through http_message.h's Gzip.
#include "sitefarm/gzip_pieces.h"

#include "sitefarm/http_message.h"

namespace trawl::sitefarm {

TextPiece MakePiece(std::string text) { return TextPiece{std::move(text)}; }

void PageBuilder::Text(std::string_view text) {
  if (parts_.empty() || parts_.back().piece) parts_.emplace_back();
  parts_.back().text.append(text);
  size_ += text.size();
}

void PageBuilder::Piece(const TextPiece& piece) {
  parts_.push_back(Part{{}, &piece});
  size_ += piece.text.size();
}

std::string PageBuilder::Plain() const {
  std::string out;
  out.reserve(size_);
  for (const Part& p : parts_) out += p.piece ? p.piece->text : p.text;
  return out;
}

std::string PageBuilder::Gzip() const { return sitefarm::Gzip(Plain()); }

}  // namespace trawl::sitefarm
