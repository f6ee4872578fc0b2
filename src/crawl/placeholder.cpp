// STUB
namespace trawl {}
