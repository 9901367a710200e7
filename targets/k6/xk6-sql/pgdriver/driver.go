// Package pgdriver registers PostgreSQL with xk6-sql as the JavaScript module
// k6/x/sql/driver/postgres, through github.com/lib/pq (database/sql driver "postgres"):
// what grafana/xk6-sql-driver-postgres does, written here because the Go module proxy
// refuses that module (see docs/http.md, "--via sql").
package pgdriver

import (
	"github.com/grafana/xk6-sql/sql"
	_ "github.com/lib/pq"
)

func init() {
	sql.RegisterModule("postgres")
}
