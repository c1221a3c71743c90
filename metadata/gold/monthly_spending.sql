-- Current, non-deleted rows only: silver keeps every version, `_is_current` marks the latest one.
SELECT
  date_trunc('month', t.booked_on)::date           AS month,
  a.iban                                           AS account_iban,
  a.name                                           AS account_name,
  coalesce(t.category, 'uncategorised')            AS category,
  t.currency,
  sum(-t.amount) FILTER (WHERE t.amount < 0)       AS spent,
  sum(t.amount) FILTER (WHERE t.amount > 0)        AS received,
  count(*)                                         AS transactions
FROM silver.bank__transactions AS t
JOIN silver.bank__accounts AS a
  ON a.iban = t.account_iban AND a._is_current AND NOT a._is_deleted
WHERE t._is_current AND NOT t._is_deleted
GROUP BY 1, 2, 3, 4, 5
