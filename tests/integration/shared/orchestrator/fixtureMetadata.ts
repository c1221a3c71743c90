/** Metadata the orchestrator integration tests sync: a files source, a rest source with its own schedule and a webhook secret, and gold models. */
export const SHOP_YML = `source: shop
connector: files
config: { inbox: shop }
webhook_secret: shop-webhook
datasets:
  - { name: orders, load: full, key: [id], columns: [{ name: id, type: bigint }, { name: total, type: numeric }], extract: { format: csv, pattern: 'orders*.csv' } }
  - { name: customers, load: delta, key: [id], columns: [{ name: id, type: bigint }], extract: { format: csv, pattern: 'customers*.csv' } }
  - name: returns
    load: full
    key: [id]
    columns: [{ name: id, type: bigint }]
    extract: { format: csv, pattern: 'returns*.csv' }
    trigger: { schedule: '0 6 * * *', webhook: false }
`;

/** revenue ← shop.orders; customer_value ← gold.revenue, shop.customers; dashboard ← gold.revenue, gold.customer_value (a diamond). */
export const MODELS_YML = `models:
  - { name: revenue, sql: gold/revenue.sql, depends_on: [shop.orders] }
  - { name: customer_value, sql: gold/customer_value.sql, depends_on: [gold.revenue, shop.customers] }
  - { name: dashboard, sql: gold/dashboard.sql, depends_on: [gold.revenue, gold.customer_value] }
`;

export const FIXTURE_METADATA: Readonly<Record<string, string>> = {
  'shop.yml': SHOP_YML,
  'gold/models.yml': MODELS_YML,
  'gold/revenue.sql': 'SELECT sum(total) AS total FROM silver.shop__orders',
  'gold/customer_value.sql': 'SELECT c.id FROM silver.shop__customers AS c CROSS JOIN gold.revenue',
  'gold/dashboard.sql': 'SELECT * FROM gold.revenue CROSS JOIN gold.customer_value',
};
