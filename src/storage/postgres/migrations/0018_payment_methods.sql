-- creditd schema, version 18 (PostgreSQL): 'creem' joins the payment methods (issue 16), and the
-- list of methods leaves the schema: the domain's PaymentMethod is the one list, so a new
-- provider's method needs no migration. Mirrors storage/sqlite/migrations/0018_payment_methods.sql,
-- which has to rebuild the table.

ALTER TABLE orders DROP CONSTRAINT orders_payment_method_check;
ALTER TABLE orders ADD CONSTRAINT orders_payment_method_check CHECK (payment_method <> '');
