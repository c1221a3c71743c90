-- YNAB amounts are milliunits: divide by 1000 for currency units. Transfers between accounts are not spending.
SELECT
  date_trunc('month', t.date)::date          AS month,
  coalesce(c.category_group_name, 'none')    AS category_group,
  coalesce(c.name, 'uncategorised')          AS category,
  sum(-t.amount) / 1000.0                    AS outflow,
  count(*)                                   AS transactions
FROM silver.ynab__transactions AS t
LEFT JOIN silver.ynab__categories AS c
  ON c.id = t.category_id AND c._is_current AND NOT c._is_deleted
WHERE t._is_current AND NOT t._is_deleted
  AND t.amount < 0
  AND t.transfer_account_id IS NULL
GROUP BY 1, 2, 3
