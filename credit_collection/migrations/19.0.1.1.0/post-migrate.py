def migrate(cr, version):
    """Levels had one fixed rate: a consumer policy's was the legal interest rate, 12.15 % the ECB rate of
    2026 S1 + 10 points; any other rate is the contract's."""
    cr.execute("""
        UPDATE credit_collection_level l
           SET interest_mode = CASE WHEN p.customer_type = 'consumer' THEN 'legal_consumer'
                                    WHEN l.interest_rate = 12.15 THEN 'legal_b2b'
                                    ELSE 'contract' END
          FROM credit_collection_policy p
         WHERE p.id = l.policy_id AND COALESCE(l.interest_rate, 0) > 0 AND l.interest_mode = 'none'
    """)
