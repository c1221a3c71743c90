SELECT
  date_trunc('year', month)::date AS year,
  category,
  currency,
  sum(spent)                      AS spent,
  sum(received)                   AS received,
  sum(transactions)               AS transactions
FROM gold.monthly_spending
GROUP BY 1, 2, 3
