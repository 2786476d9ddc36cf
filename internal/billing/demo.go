package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// demoProfiles are the demo municipalities' billing details, one per
// country, so that an owner can subscribe at once when billing is
// configured (the profile page shows them either way).
var demoProfiles = map[string]Profile{
	"nittedal": {Country: "NO", Population: 25_300, OrgNumber: "964950768", BuyerReference: "Flyktningtjenesten, ansvar 2510",
		InvoiceEmail: "faktura@nittedal.example", Street: "Rådhusvegen 5", PostalCode: "1482", City: "Nittedal"},
	"tierp": {Country: "SE", Population: 21_100, OrgNumber: "2120000282", BuyerReference: "Integration – Åsa Öberg",
		InvoiceEmail: "faktura@tierp.example", Street: "Centralgatan 7", PostalCode: "815 80", City: "Tierp"},
	"thisted": {Country: "DK", Population: 43_100, OrgNumber: "29189331", BuyerReference: "Integration og beskæftigelse",
		InvoiceEmail: "faktura@thisted.example", Street: "Asylgade 30", PostalCode: "7700", City: "Thisted"},
}

// DemoLoader stores the demo municipalities' billing details.
type DemoLoader struct{}

// LoadDemo writes the billing details of the demo municipalities that
// exist.
func (DemoLoader) LoadDemo(ctx context.Context, bdb *bun.DB, clock app.Clock) error {
	err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		for slug, p := range demoProfiles {
			var o org.Organisation
			err := tx.NewSelect().Model(&o).Where("slug = ?", slug).Scan(ctx)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			if err := p.Validate(); err != nil {
				return fmt.Errorf("%s: %w", slug, err)
			}
			a := &Account{OrgID: o.ID, Country: p.Country, Population: p.Population, OrgNumber: p.OrgNumber, BuyerReference: p.BuyerReference,
				InvoiceEmail: p.InvoiceEmail, Street: p.Street, PostalCode: p.PostalCode, City: p.City, UpdatedAt: clock.Now()}
			if _, err := tx.NewInsert().Model(a).On("CONFLICT (org_id) DO NOTHING").Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("billing demo: %w", err)
	}
	return nil
}
