// k6 with the xk6-sql extension and a PostgreSQL driver module, built by capbench
// (targets/k6/sql.ts) the way xk6 builds an extended k6: a main module that imports k6's
// command and the extensions, with every version pinned in go.mod/go.sum. Seen through
// capbench as `capbench services up k6-sql`.
package main

import (
	_ "capbench.local/k6sql/pgdriver"
	_ "github.com/grafana/xk6-sql"
	"go.k6.io/k6/cmd"
)

func main() {
	cmd.Execute()
}
