// The SQLite and PostgreSQL schemas are written twice (src/store/
// sqlite_dialect.cpp and postgres_dialect.cpp). This test migrates a fresh
// SQLite file and a fresh PostgreSQL database with Store::Open, reads back
// what each database says it holds (sqlite_schema and PRAGMAs; the pg_catalog
// and information_schema views) and compares them table by table and column
// by column: names, order, type class, nullability, defaults, primary keys,
// the values a CHECK (col IN (...)) allows, indexes (columns, uniqueness,
// WHERE clause) and foreign keys. The differences the two dialects mean to
// have are listed in kKnownDifferences, each with its reason.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "servers/require.h"
#include "store/dialect.h"
#include "store/store.h"
#include "store_test_util.h"

namespace trawl::store_test {
namespace {

namespace fs = std::filesystem;

// ---- the schema, as either database describes it -----------------------------

struct Column {
  std::string type_class;  // "integer", "text", "real", "boolean", or the raw type
  bool not_null = false;
  std::string default_value;      // normalized: no casts, no outer parentheses; "" none
  std::set<std::string> allowed;  // the values of a CHECK (col IN (...)); empty none

  bool operator==(const Column&) const = default;
};

struct Index {
  std::string table;
  std::vector<std::string> columns;
  bool unique = false;
  std::string where;  // normalized partial-index predicate; "" none

  bool operator==(const Index&) const = default;
};

struct Table {
  std::vector<std::string> column_order;
  std::map<std::string, Column> columns;
  std::vector<std::string> primary_key;
  std::set<std::string> foreign_keys;  // "col -> table(col) ON DELETE action"
};

struct Schema {
  std::map<std::string, Table> tables;
  std::map<std::string, Index> indexes;  // by name; primary-key indexes left out
};

// The differences between the two schemas that are known. Each says whether
// it still holds (when it no longer does, the test says so: take it off the
// list) and is then applied to the PostgreSQL side, so that anything else
// that differs fails.
struct KnownDifference {
  const char* what;
  const char* why;
  bool (*holds)(Schema& sqlite, Schema& postgres);
  void (*apply)(Schema& postgres);
};

const KnownDifference kKnownDifferences[] = {
    {"profiles.ok is BOOLEAN on PostgreSQL, INTEGER 0/1 on SQLite",
     "SQLite has no boolean type; the store binds a bool either way",
     [](Schema& sqlite, Schema& pg) {
       return sqlite.tables["profiles"].columns["ok"].type_class == "integer" &&
              pg.tables["profiles"].columns["ok"].type_class == "boolean";
     },
     [](Schema& pg) { pg.tables["profiles"].columns["ok"].type_class = "integer"; }},
    {"tasks.job_id has no foreign key on PostgreSQL",
     "PostgreSQL checks it row by row, doubling a 100,000-domain CreateJob; tasks are only "
     "written with their job (src/store/postgres_dialect.cpp)",
     [](Schema& sqlite, Schema& pg) {
       return sqlite.tables["tasks"].foreign_keys.size() == 1 &&
              pg.tables["tasks"].foreign_keys.empty();
     },
     [](Schema& pg) {
       pg.tables["tasks"].foreign_keys.insert("job_id -> jobs(id) ON DELETE CASCADE");
     }},
    // Not meant, but there: SQLite's PRIMARY KEY does not imply NOT NULL
    // unless the column is INTEGER (a quirk SQLite keeps for compatibility,
    // sqlite.org/lang_createtable.html#the_primary_key), and the SQLite
    // schema does not say NOT NULL. The store always writes an id. To be
    // settled in src/store (jobs.id TEXT NOT NULL PRIMARY KEY in a migration
    // would need a table rebuild on SQLite), not in this test.
    {"jobs.id may be NULL on SQLite, not on PostgreSQL",
     "SQLite's TEXT PRIMARY KEY is nullable; PostgreSQL's primary key is NOT NULL",
     [](Schema& sqlite, Schema& pg) {
       return !sqlite.tables["jobs"].columns["id"].not_null &&
              pg.tables["jobs"].columns["id"].not_null;
     },
     [](Schema& pg) { pg.tables["jobs"].columns["id"].not_null = false; }},
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A declared type as a class both databases share: INTEGER and BIGINT are
// both 64-bit integers in SQLite's affinity; TEXT; REAL and DOUBLE PRECISION.
std::string TypeClass(const std::string& declared) {
  std::string t = Lower(declared);
  if (t == "integer" || t == "bigint" || t == "int" || t == "smallint") return "integer";
  if (t == "text" || t == "character varying" || t == "varchar") return "text";
  if (t == "real" || t == "double precision" || t == "float") return "real";
  if (t == "boolean") return "boolean";
  return t;
}

// An expression as both print it: casts ("::text") and parentheses dropped,
// spaces collapsed, lower case.
std::string NormalizeExpression(const std::string& expr) {
  std::string out;
  for (size_t i = 0; i < expr.size(); ++i) {
    char c = expr[i];
    if (c == ':' && i + 1 < expr.size() && expr[i + 1] == ':') {
      size_t end = i + 2;
      while (end < expr.size() &&
             (std::isalnum(static_cast<unsigned char>(expr[end])) || expr[end] == '_')) {
        ++end;
      }
      for (const char* second : {" precision", " varying"}) {  // two-word type names
        if (expr.compare(end, std::strlen(second), second) == 0) end += std::strlen(second);
      }
      i = end - 1;
      continue;
    }
    if (c == '(' || c == ')') continue;
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The quoted literals of `text`: 'a', 'b' → {a, b}.
std::set<std::string> Literals(const std::string& text) {
  std::set<std::string> out;
  size_t at = 0;
  while ((at = text.find('\'', at)) != std::string::npos) {
    size_t end = text.find('\'', at + 1);
    if (end == std::string::npos) break;
    out.insert(text.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  return out;
}

// ---- SQLite ----------------------------------------------------------------------

// Rows of `sql` as strings (NULL as ""); a test failure on error.
std::vector<std::vector<std::string>> SqliteRows(sqlite3* db, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    return rows;
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  return rows;
}

// The allowed values of every "col IN ('a', 'b')" in a CREATE TABLE text.
std::map<std::string, std::set<std::string>> SqliteChecks(const std::string& create_sql) {
  std::map<std::string, std::set<std::string>> out;
  std::string sql = create_sql;
  size_t at = 0;
  while ((at = sql.find(" IN (", at)) != std::string::npos) {
    size_t name_end = at;
    size_t name_start = name_end;
    while (name_start > 0 && (std::isalnum(static_cast<unsigned char>(sql[name_start - 1])) ||
                              sql[name_start - 1] == '_')) {
      --name_start;
    }
    size_t close = sql.find(')', at);
    out[sql.substr(name_start, name_end - name_start)] = Literals(sql.substr(at, close - at));
    at = close;
  }
  return out;
}

Schema ReadSqlite(const std::string& path) {
  Schema schema;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return schema;
  }
  for (const auto& t : SqliteRows(db,
                                  "SELECT name, sql FROM sqlite_schema WHERE type = 'table' "
                                  "AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
    const std::string& name = t[0];
    Table& table = schema.tables[name];
    auto checks = SqliteChecks(t[1]);
    std::vector<std::pair<int, std::string>> pk;
    // cid, name, type, notnull, dflt_value, pk
    for (const auto& c : SqliteRows(db, "PRAGMA table_info(\"" + name + "\")")) {
      table.column_order.push_back(c[1]);
      Column& column = table.columns[c[1]];
      column.type_class = TypeClass(c[2]);
      column.not_null = c[3] == "1";
      column.default_value = NormalizeExpression(c[4]);
      column.allowed = checks[c[1]];
      if (c[5] != "0") pk.emplace_back(std::stoi(c[5]), c[1]);
    }
    std::sort(pk.begin(), pk.end());
    for (const auto& [position, column] : pk) table.primary_key.push_back(column);
    // A single INTEGER PRIMARY KEY is the rowid: NOT NULL in effect.
    if (pk.size() == 1 && table.columns[pk[0].second].type_class == "integer") {
      table.columns[pk[0].second].not_null = true;
    }
    // id, seq, table, from, to, on_update, on_delete, match
    for (const auto& f : SqliteRows(db, "PRAGMA foreign_key_list(\"" + name + "\")")) {
      table.foreign_keys.insert(f[3] + " -> " + f[2] + "(" + f[4] + ") ON DELETE " + f[6]);
    }
    // seq, name, unique, origin, partial
    for (const auto& i : SqliteRows(db, "PRAGMA index_list(\"" + name + "\")")) {
      if (i[3] == "pk") continue;  // the primary key, compared above
      Index& index = schema.indexes[i[1]];
      index.table = name;
      index.unique = i[2] == "1";
      for (const auto& col : SqliteRows(db, "PRAGMA index_info(\"" + i[1] + "\")")) {
        index.columns.push_back(col[2]);
      }
      if (i[4] == "1") {
        auto sql = SqliteRows(db, "SELECT sql FROM sqlite_schema WHERE name = '" + i[1] + "'");
        std::string text = sql.empty() ? "" : sql[0][0];
        size_t where = Lower(text).rfind(" where ");
        index.where =
            where == std::string::npos ? "?" : NormalizeExpression(text.substr(where + 7));
      }
    }
  }
  sqlite3_close(db);
  return schema;
}

// ---- PostgreSQL --------------------------------------------------------------------

std::vector<std::vector<std::string>> PgRows(PGconn* conn, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  PGresult* result = PQexec(conn, sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    ADD_FAILURE() << sql << ": " << PQerrorMessage(conn);
  } else {
    for (int r = 0; r < PQntuples(result); ++r) {
      std::vector<std::string> row;
      for (int c = 0; c < PQnfields(result); ++c) row.emplace_back(PQgetvalue(result, r, c));
      rows.push_back(std::move(row));
    }
  }
  PQclear(result);
  return rows;
}

// A PostgreSQL ON DELETE code (pg_constraint.confdeltype) as SQLite names it.
std::string OnDelete(const std::string& code) {
  if (code == "c") return "CASCADE";
  if (code == "n") return "SET NULL";
  if (code == "d") return "SET DEFAULT";
  if (code == "r") return "RESTRICT";
  return "NO ACTION";
}

Schema ReadPostgres(const std::string& url) {
  Schema schema;
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << url << ": " << PQerrorMessage(conn);
    PQfinish(conn);
    return schema;
  }
  for (const auto& c : PgRows(conn,
                              "SELECT table_name, column_name, data_type, is_nullable, "
                              "coalesce(column_default, '') FROM information_schema.columns "
                              "WHERE table_schema = 'public' ORDER BY table_name, "
                              "ordinal_position")) {
    Table& table = schema.tables[c[0]];
    table.column_order.push_back(c[1]);
    Column& column = table.columns[c[1]];
    column.type_class = TypeClass(c[2]);
    column.not_null = c[3] == "NO";
    column.default_value = NormalizeExpression(c[4]);
  }
  // Constraints: p primary key, f foreign key, c check (one column each here).
  for (const auto& k : PgRows(conn,
                              "SELECT t.relname, k.contype, pg_get_constraintdef(k.oid), "
                              "  array_to_string(ARRAY(SELECT a.attname FROM unnest(k.conkey) "
                              "    WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = "
                              "    k.conrelid AND a.attnum = u.n ORDER BY u.o), ','), "
                              "  coalesce(f.relname, ''), "
                              "  array_to_string(ARRAY(SELECT a.attname FROM unnest(k.confkey) "
                              "    WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = "
                              "    k.confrelid AND a.attnum = u.n ORDER BY u.o), ','), "
                              "  k.confdeltype "
                              "FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid "
                              "JOIN pg_namespace n ON n.oid = t.relnamespace "
                              "LEFT JOIN pg_class f ON f.oid = k.confrelid "
                              "WHERE n.nspname = 'public' ORDER BY t.relname, k.conname")) {
    Table& table = schema.tables[k[0]];
    if (k[1] == "p") {
      std::string cols = k[3];
      size_t at = 0;
      while (at <= cols.size()) {
        size_t comma = cols.find(',', at);
        if (comma == std::string::npos) comma = cols.size();
        table.primary_key.push_back(cols.substr(at, comma - at));
        at = comma + 1;
      }
    } else if (k[1] == "f") {
      table.foreign_keys.insert(k[3] + " -> " + k[4] + "(" + k[5] + ") ON DELETE " +
                                OnDelete(k[6]));
    } else if (k[1] == "c") {
      table.columns[k[3]].allowed = Literals(k[2]);
    }
  }
  for (const auto& i : PgRows(conn,
                              "SELECT ic.relname, t.relname, ix.indisunique, "
                              "  array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey) "
                              "    WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = "
                              "    t.oid AND a.attnum = u.n ORDER BY u.o), ','), "
                              "  coalesce(pg_get_expr(ix.indpred, ix.indrelid), '') "
                              "FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid "
                              "JOIN pg_class t ON t.oid = ix.indrelid "
                              "JOIN pg_namespace n ON n.oid = t.relnamespace "
                              "WHERE n.nspname = 'public' AND NOT ix.indisprimary")) {
    Index& index = schema.indexes[i[0]];
    index.table = i[1];
    index.unique = i[2] == "t";
    std::string cols = i[3];
    size_t at = 0;
    while (at <= cols.size()) {
      size_t comma = cols.find(',', at);
      if (comma == std::string::npos) comma = cols.size();
      index.columns.push_back(cols.substr(at, comma - at));
      at = comma + 1;
    }
    index.where = NormalizeExpression(i[4]);
  }
  PQfinish(conn);
  return schema;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

template <typename Map>
std::vector<std::string> Keys(const Map& map) {
  std::vector<std::string> out;
  for (const auto& [k, v] : map) out.push_back(k);
  return out;
}

// ---- the tests ---------------------------------------------------------------------

TEST(SchemaAgreement, BothDialectsHaveTheSameMigrations) {
  const auto& sqlite = SqliteDialect().migrations;
  const auto& pg = PostgresDialect().migrations;
  ASSERT_EQ(sqlite.size(), pg.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, pg[i].version) << i;
    EXPECT_STREQ(sqlite[i].name, pg[i].name) << i;
  }
}

TEST(SchemaAgreement, MigratedSqliteAndPostgresAgreeTableByTableAndColumnByColumn) {
  TRAWL_REQUIRE_POSTGRES();
  ASSERT_TRUE(SharedPostgres().ok()) << "PostgreSQL did not start";

  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  const std::string sqlite_path = dir + "/schema.db";
  const std::string pg_url = FreshDatabase();
  ASSERT_FALSE(pg_url.empty());
  for (const std::string& url : {sqlite_path, pg_url}) {
    auto store = Store::Open(url);  // migrates to the newest version
    ASSERT_TRUE(store) << url << ": " << store.error().message;
  }
  Schema sqlite = ReadSqlite(sqlite_path);
  Schema pg = ReadPostgres(pg_url);
  fs::remove_all(dir);
  // Something was read: four tables (with schema_migrations), seven indexes.
  ASSERT_GE(sqlite.tables.size(), 4u);
  ASSERT_GE(sqlite.indexes.size(), 7u);
  ASSERT_FALSE(sqlite.indexes["jobs_webhooks_due"].where.empty());
  for (const KnownDifference& d : kKnownDifferences) {
    EXPECT_TRUE(d.holds(sqlite, pg))
        << "no longer differs, take it off kKnownDifferences: " << d.what;
    d.apply(pg);
  }

  ASSERT_EQ(Keys(sqlite.tables), Keys(pg.tables));
  for (const auto& [name, s] : sqlite.tables) {
    SCOPED_TRACE("table " + name);
    const Table& p = pg.tables[name];
    EXPECT_EQ(Join(s.column_order), Join(p.column_order));
    for (const auto& [column, sc] : s.columns) {
      SCOPED_TRACE("column " + name + "." + column);
      auto found = p.columns.find(column);
      if (found == p.columns.end()) continue;  // the column order above says so
      const Column& pc = found->second;
      EXPECT_EQ(sc.type_class, pc.type_class);
      EXPECT_EQ(sc.not_null, pc.not_null);
      EXPECT_EQ(sc.default_value, pc.default_value);
      EXPECT_EQ(sc.allowed, pc.allowed);
    }
    EXPECT_EQ(Join(s.primary_key), Join(p.primary_key));
    EXPECT_EQ(s.foreign_keys, p.foreign_keys);
  }

  EXPECT_EQ(Keys(sqlite.indexes), Keys(pg.indexes));
  for (const auto& [name, s] : sqlite.indexes) {
    SCOPED_TRACE("index " + name);
    auto found = pg.indexes.find(name);
    if (found == pg.indexes.end()) continue;  // the index names above say so
    const Index& p = found->second;
    EXPECT_EQ(s.table, p.table);
    EXPECT_EQ(Join(s.columns), Join(p.columns));
    EXPECT_EQ(s.unique, p.unique);
    EXPECT_EQ(s.where, p.where);
  }
}

// The comparison itself: it must see a difference where there is one, or
// the test above would pass by comparing nothing.
TEST(SchemaAgreement, TheNormalizationKeepsWhatMatters) {
  EXPECT_EQ(NormalizeExpression("'pending'::text"), NormalizeExpression("'pending'"));
  EXPECT_EQ(NormalizeExpression("(webhook_status = 'pending'::text)"),
            NormalizeExpression("webhook_status = 'pending'"));
  EXPECT_NE(NormalizeExpression("'pending'"), NormalizeExpression("'done'"));
  EXPECT_EQ(NormalizeExpression("'{}'::text"), "'{}'");
  EXPECT_EQ(NormalizeExpression("0"), "0");
  EXPECT_EQ(TypeClass("BIGINT"), TypeClass("INTEGER"));
  EXPECT_EQ(TypeClass("double precision"), TypeClass("REAL"));
  EXPECT_NE(TypeClass("text"), TypeClass("integer"));
  EXPECT_NE(TypeClass("boolean"), TypeClass("integer"));
  EXPECT_EQ(Literals("CHECK ((mode = ANY (ARRAY['redis_parallel'::text, 'sequential'::text])))"),
            (std::set<std::string>{"redis_parallel", "sequential"}));
  auto checks = SqliteChecks(
      "CREATE TABLE jobs (mode TEXT NOT NULL CHECK (mode IN ('redis_parallel', 'sequential')))");
  EXPECT_EQ(checks["mode"], (std::set<std::string>{"redis_parallel", "sequential"}));
}

}  // namespace
}  // namespace trawl::store_test
