namespace Eddy.Sql.Tests.Syntax;

/// <summary>Realistic statements in Flink's dialect, written for these tests after Flink's documentation examples.</summary>
internal static class SqlCorpus
{
    public static readonly string[] Statements =
    [
        // DDL: a Kafka table with metadata columns, a computed column and a watermark.
        """
        CREATE TABLE orders (
          order_id BIGINT NOT NULL,
          customer_id STRING,
          amount DECIMAL(10, 2) COMMENT 'in euros',
          currency CHAR(3),
          tags ARRAY<STRING>,
          attributes MAP<STRING, STRING>,
          address ROW<street STRING, city STRING 'the city'>,
          order_time TIMESTAMP(3),
          event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
          `partition` BIGINT METADATA VIRTUAL,
          `offset` BIGINT METADATA VIRTUAL,
          headers MAP<STRING, BYTES> METADATA,
          proc_time AS PROCTIME(),
          total AS amount * 1.2,
          WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND,
          PRIMARY KEY (order_id) NOT ENFORCED
        ) COMMENT 'orders from the shop' WITH (
          'connector' = 'kafka',
          'topic' = 'orders',
          'properties.bootstrap.servers' = 'localhost:9092',
          'properties.group.id' = 'eddy',
          'scan.startup.mode' = 'earliest-offset',
          'format' = 'json',
          'json.ignore-parse-errors' = 'true'
        )
        """,
        """
        CREATE TEMPORARY TABLE IF NOT EXISTS cat.db.currency_rates (
          currency STRING,
          rate DECIMAL(32, 10),
          update_time TIMESTAMP(3) WITH LOCAL TIME ZONE,
          WATERMARK FOR update_time AS update_time,
          CONSTRAINT pk PRIMARY KEY (currency) NOT ENFORCED
        ) WITH ('connector' = 'upsert-kafka', 'topic' = 'rates', 'key.format' = 'raw', 'value.format' = 'avro-confluent')
        """,
        "CREATE TABLE sink (user_id STRING PRIMARY KEY NOT ENFORCED, cnt BIGINT) PARTITIONED BY (user_id) WITH ('connector' = 'print')",
        "CREATE TABLE orders_copy WITH ('connector' = 'blackhole') LIKE orders (EXCLUDING ALL INCLUDING GENERATED)",
        "CREATE TABLE derived WITH ('connector' = 'print') AS SELECT order_id, amount FROM orders",
        "CREATE TABLE types_table (a TINYINT, b SMALLINT, c INTEGER, d DEC(5, 1), e NUMERIC, f REAL, g DOUBLE PRECISION, h VARCHAR(20), i VARBINARY(8), j BINARY, k TIME(3), l DATE, m INTERVAL DAY TO SECOND(3), n INTERVAL YEAR TO MONTH, o INT ARRAY, p MULTISET<INT>, q ROW(x INT, y STRING), r TIMESTAMP(9) WITHOUT TIME ZONE, s BOOLEAN NULL) WITH ('connector' = 'datagen', 'number-of-rows' = '10')",
        "CREATE VIEW big_orders (id, amt) AS SELECT order_id, amount FROM orders WHERE amount > 100",
        "CREATE TEMPORARY VIEW IF NOT EXISTS v COMMENT 'a view' AS VALUES (1, 'a'), (2, 'b')",
        "CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS parse_ua AS 'MyCompany.Udfs.ParseUserAgent' LANGUAGE JAVA",
        "CREATE FUNCTION cat.db.f AS 'Eddy.Functions.F'",
        "DROP TEMPORARY TABLE IF EXISTS orders",
        "DROP VIEW big_orders",
        "DROP TEMPORARY SYSTEM FUNCTION parse_ua",
        "ALTER TABLE orders SET ('scan.startup.mode' = 'latest-offset')",
        "ALTER TABLE orders RENAME TO orders_v2",
        "ALTER TABLE IF EXISTS orders RESET ('format')",
        "SHOW TABLES",
        "SHOW VIEWS",
        "SHOW FUNCTIONS",
        "SHOW USER FUNCTIONS",
        "SHOW JARS",
        "ADD JAR '/opt/udfs/My.Functions.dll'",
        "REMOVE JAR 'udfs.dll'",
        "SHOW CATALOGS",
        "SHOW DATABASES",
        "SHOW CURRENT DATABASE",
        "SHOW CREATE TABLE cat.db.orders",
        "SHOW COLUMNS FROM orders",
        "DESCRIBE orders",
        "DESC cat.db.orders",
        "SET 'table.exec.state.ttl' = '1 h'",
        "SET",
        "RESET 'table.exec.state.ttl'",
        "RESET",
        "USE cat.db",
        "USE CATALOG cat",
        // Projections, filters and expressions.
        "SELECT order_id, amount * 2 AS doubled, UPPER(customer_id) AS cust, CAST(amount AS STRING) FROM orders WHERE amount > 10 AND currency IN ('EUR', 'USD')",
        "SELECT * FROM orders /*+ OPTIONS('scan.startup.mode' = 'earliest-offset', 'properties.group.id' = 'x') */ AS o WHERE o.amount BETWEEN 10 AND 100",
        "SELECT o.* FROM orders o",
        "SELECT DISTINCT currency FROM orders",
        """
        SELECT
          CASE WHEN amount > 100 THEN 'big' WHEN amount > 10 THEN 'medium' ELSE 'small' END AS size,
          CASE currency WHEN 'EUR' THEN 1 ELSE 0 END,
          COALESCE(customer_id, 'unknown'), NULLIF(currency, ''), IF(amount > 0, 'pos', 'neg'),
          TRY_CAST(customer_id AS INT), EXTRACT(YEAR FROM order_time), FLOOR(order_time TO HOUR), CEIL(order_time TO MINUTE),
          POSITION('a' IN customer_id), TRIM(BOTH ' ' FROM customer_id), TRIM(LEADING FROM customer_id), TRIM(customer_id),
          SUBSTRING(customer_id FROM 2 FOR 3), SUBSTRING(customer_id, 2), OVERLAY(customer_id PLACING 'xx' FROM 2 FOR 1),
          TIMESTAMPADD(SECOND, 10, order_time), TIMESTAMPDIFF(DAY, order_time, CURRENT_TIMESTAMP),
          DATE_FORMAT(order_time, 'yyyy-MM-dd'), TO_TIMESTAMP('2024-01-01 00:00:00'), CURRENT_DATE, LOCALTIMESTAMP,
          customer_id LIKE 'a%' ESCAPE '!', customer_id NOT LIKE '%b', customer_id SIMILAR TO 'a.*',
          amount IS NULL, amount IS NOT NULL, (amount > 5) IS TRUE, (amount > 5) IS NOT FALSE, (amount > 5) IS UNKNOWN,
          currency IS DISTINCT FROM 'EUR', currency IS NOT DISTINCT FROM 'EUR', amount NOT BETWEEN SYMMETRIC 10 AND 1,
          'a' || customer_id || 'b', -amount, +amount, amount % 3, MOD(order_id, 3), NOT (amount > 5),
          tags[1], attributes['k'], address.city, ARRAY[1, 2, 3], MAP['a', 1, 'b', 2], ROW(1, 'a'), CARDINALITY(tags),
          X'0AFF', 1.5E3, .5, DATE '2024-01-31', TIME '12:00:00', TIMESTAMP '2024-01-31 12:00:00.000',
          INTERVAL '1 02:03' DAY TO MINUTE, INTERVAL '10' MINUTE(3), INTERVAL '2-6' YEAR TO MONTH, INTERVAL '1.5' SECOND,
          JSON_VALUE(customer_id, '$.a' RETURNING INT DEFAULT 0 ON EMPTY NULL ON ERROR), JSON_EXISTS(customer_id, '$.b'),
          JSON_QUERY(customer_id, '$.c' WITH CONDITIONAL ARRAY WRAPPER), U&'\0041bc', TRUE, FALSE, NULL, UNKNOWN
        FROM orders
        """,
        // Aggregations.
        "SELECT currency, COUNT(*) AS cnt, COUNT(DISTINCT customer_id), SUM(amount) FILTER (WHERE amount > 10), MAX(amount) FROM orders GROUP BY currency HAVING COUNT(*) > 1",
        "SELECT currency, customer_id, SUM(amount) FROM orders GROUP BY GROUPING SETS ((currency, customer_id), (currency), ())",
        "SELECT currency, customer_id, SUM(amount) FROM orders GROUP BY ROLLUP (currency, customer_id)",
        "SELECT currency, customer_id, SUM(amount) FROM orders GROUP BY CUBE (currency, customer_id)",
        // Window TVFs.
        """
        SELECT window_start, window_end, currency, SUM(amount) AS total
        FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(order_time), INTERVAL '10' MINUTES))
        GROUP BY window_start, window_end, currency
        """,
        "SELECT window_start, window_end, SUM(amount) FROM TABLE(HOP(TABLE orders, DESCRIPTOR(order_time), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES)) GROUP BY window_start, window_end",
        "SELECT window_start, window_end, SUM(amount) FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(order_time), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES)) GROUP BY window_start, window_end",
        "SELECT window_start, window_end, currency, SUM(amount) FROM TABLE(SESSION(TABLE orders PARTITION BY (currency, customer_id), DESCRIPTOR(order_time), INTERVAL '5' MINUTES)) GROUP BY window_start, window_end, currency",
        "SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE orders PARTITION BY currency, DESCRIPTOR(order_time), INTERVAL '5' MINUTES)) GROUP BY window_start, currency",
        "SELECT * FROM TABLE(TUMBLE(DATA => TABLE orders, TIMECOL => DESCRIPTOR(order_time), SIZE => INTERVAL '10' MINUTES, `OFFSET` => INTERVAL '1' MINUTES))",
        // Window Top-N and window deduplication.
        """
        SELECT * FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC) AS rownum
          FROM (
            SELECT window_start, window_end, currency, SUM(amount) AS total
            FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(order_time), INTERVAL '10' MINUTES))
            GROUP BY window_start, window_end, currency
          )
        ) WHERE rownum <= 3
        """,
        // Legacy group windows.
        "SELECT currency, TUMBLE_START(order_time, INTERVAL '1' HOUR) AS wstart, TUMBLE_END(order_time, INTERVAL '1' HOUR), TUMBLE_ROWTIME(order_time, INTERVAL '1' HOUR), COUNT(*) FROM orders GROUP BY TUMBLE(order_time, INTERVAL '1' HOUR), currency",
        "SELECT HOP_START(order_time, INTERVAL '1' MINUTE, INTERVAL '1' HOUR), SUM(amount) FROM orders GROUP BY HOP(order_time, INTERVAL '1' MINUTE, INTERVAL '1' HOUR)",
        // Top-N and deduplication.
        """
        SELECT order_id, customer_id, amount
        FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY amount DESC NULLS LAST) AS row_num
          FROM orders)
        WHERE row_num <= 5
        """,
        "SELECT order_id, customer_id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY proc_time ASC) AS rn FROM orders) WHERE rn = 1",
        // OVER aggregates.
        """
        SELECT order_id, amount,
          SUM(amount) OVER (PARTITION BY customer_id ORDER BY order_time RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS one_hour_sum,
          COUNT(*) OVER (PARTITION BY customer_id ORDER BY order_time ROWS BETWEEN 10 PRECEDING AND CURRENT ROW),
          AVG(amount) OVER w
        FROM orders
        WINDOW w AS (PARTITION BY customer_id ORDER BY order_time ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        """,
        "SELECT SUM(amount) OVER (ORDER BY order_time ROWS UNBOUNDED PRECEDING) FROM orders",
        // Joins.
        "SELECT * FROM orders o JOIN customers c ON o.customer_id = c.id",
        "SELECT * FROM orders o INNER JOIN customers c USING (customer_id)",
        "SELECT * FROM orders o LEFT OUTER JOIN customers c ON o.customer_id = c.id RIGHT JOIN x ON TRUE FULL OUTER JOIN y ON x.a = y.a",
        "SELECT * FROM orders, customers WHERE orders.customer_id = customers.id",
        "SELECT * FROM orders CROSS JOIN customers",
        // Interval join.
        """
        SELECT o.order_id, s.ship_time FROM orders o, shipments s
        WHERE o.order_id = s.order_id AND o.order_time BETWEEN s.ship_time - INTERVAL '4' HOUR AND s.ship_time
        """,
        // Temporal joins (event time and lookup).
        """
        SELECT o.order_id, o.amount * r.rate AS converted
        FROM orders AS o
        LEFT JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time AS r
        ON o.currency = r.currency
        """,
        "SELECT o.order_id, c.country FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.customer_id = c.id",
        // Table functions and UNNEST.
        "SELECT order_id, tag FROM orders CROSS JOIN UNNEST(tags) AS t (tag)",
        "SELECT order_id, word, len FROM orders, LATERAL TABLE(split_words(customer_id)) AS t(word, len)",
        "SELECT order_id, word FROM orders LEFT JOIN LATERAL TABLE(split_words(customer_id)) AS t(word) ON TRUE",
        // Window join.
        """
        SELECT L.num AS l_num, R.num AS r_num, COALESCE(L.window_start, R.window_start) AS window_start
        FROM (SELECT * FROM TABLE(TUMBLE(TABLE left_table, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))) L
        FULL JOIN (SELECT * FROM TABLE(TUMBLE(TABLE right_table, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))) R
        ON L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end
        """,
        // Subqueries, CTEs and set operations.
        "SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE country = 'DE')",
        "SELECT * FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id) AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.id = o.customer_id)",
        "SELECT order_id, (SELECT MAX(amount) FROM orders) AS max_amount FROM orders WHERE customer_id NOT IN ('a', 'b')",
        "WITH big AS (SELECT * FROM orders WHERE amount > 100), small (id) AS (SELECT order_id FROM orders WHERE amount < 10) SELECT * FROM big UNION ALL SELECT * FROM small",
        "SELECT a FROM t1 UNION SELECT a FROM t2 INTERSECT SELECT a FROM t3 EXCEPT SELECT a FROM t4",
        "(SELECT a FROM t1 MINUS SELECT a FROM t2) UNION ALL (SELECT a FROM t3)",
        "VALUES (1, 'a'), (2, 'b')",
        "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t (id, name)",
        "SELECT * FROM orders ORDER BY order_time DESC, order_id LIMIT 10",
        "SELECT * FROM orders ORDER BY order_time OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY",
        "SELECT /*+ STATE_TTL('o' = '1d') */ * FROM orders o",
        // DML.
        "INSERT INTO sink SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id",
        "INSERT OVERWRITE cat.db.sink PARTITION (dt = '2024-01-01') (user_id, cnt) SELECT customer_id, 1 FROM orders",
        "INSERT INTO sink /*+ OPTIONS('sink.parallelism' = '2') */ VALUES ('a', 1)",
        "EXECUTE INSERT INTO sink SELECT customer_id, 1 FROM orders",
        """
        EXECUTE STATEMENT SET
        BEGIN
          INSERT INTO sink1 SELECT * FROM orders WHERE amount > 10;
          INSERT INTO sink2 SELECT * FROM orders WHERE amount <= 10;
        END
        """,
        "EXPLAIN SELECT * FROM orders",
        "EXPLAIN PLAN FOR SELECT * FROM orders",
        "EXPLAIN ESTIMATED_COST, CHANGELOG_MODE SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id",
        "EXPLAIN CHANGELOG_MODE INSERT INTO sink SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id",
        "EXPLAIN STATEMENT SET BEGIN INSERT INTO sink1 SELECT * FROM orders; INSERT INTO sink2 SELECT * FROM orders; END",
    ];
}
