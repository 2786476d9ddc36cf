package billing

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
)

// findAccount answers organisation orgID's account, nil when it has none.
func findAccount(ctx context.Context, idb bun.IDB, orgID int64) (*Account, error) {
	a := new(Account)
	err := idb.NewSelect().Model(a).Where("org_id = ?", orgID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, err
}

// lockAccount answers orgID's account locked for the transaction
// (PostgreSQL), creating an empty one when there is none.
func lockAccount(ctx context.Context, tx bun.Tx, orgID int64, now time.Time) (*Account, error) {
	if _, err := tx.NewInsert().Model(&Account{OrgID: orgID, UpdatedAt: now}).On("CONFLICT (org_id) DO NOTHING").Exec(ctx); err != nil {
		return nil, err
	}
	a := new(Account)
	err := db.ForUpdate(tx.NewSelect().Model(a).Where("org_id = ?", orgID)).Scan(ctx)
	return a, err
}

// saveAccount writes every column of a.
func saveAccount(ctx context.Context, tx bun.IDB, a *Account) error {
	_, err := tx.NewUpdate().Model(a).WherePK().Exec(ctx)
	return err
}

// findAccountByCustomer answers the account of a Stripe customer; nil
// when none (system scope).
func findAccountByCustomer(ctx context.Context, idb bun.IDB, customerID string) (*Account, error) {
	if customerID == "" {
		return nil, nil
	}
	a := new(Account)
	err := idb.NewSelect().Model(a).Where("customer_id = ?", customerID).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, err
}

// findInvoices lists orgID's invoices, newest first, at most limit.
func findInvoices(ctx context.Context, idb bun.IDB, orgID int64, limit int) ([]*Invoice, error) {
	var out []*Invoice
	err := idb.NewSelect().Model(&out).ExcludeColumn("ubl").Where("org_id = ?", orgID).
		OrderExpr("created_at DESC, id DESC").Limit(int64(limit)).Scan(ctx)
	return out, err
}

// findInvoice answers orgID's invoice id with its e-invoice document.
func findInvoice(ctx context.Context, idb bun.IDB, orgID, id int64) (*Invoice, error) {
	inv := new(Invoice)
	err := idb.NewSelect().Model(inv).Where("org_id = ? AND id = ?", orgID, id).Scan(ctx)
	return inv, db.Err(err, "billing.error.invoice_not_found")
}
