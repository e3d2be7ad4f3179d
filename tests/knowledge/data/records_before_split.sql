-- A records.db as written by the code before records stopped importing the quiz types (sqlite3 .dump):
-- one unfinished practice (1 right, 1 wrong of 3), one exam left open past its deadline, one chat exchange.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE users (
	id INTEGER NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	role VARCHAR(10) NOT NULL, 
	password_hash VARCHAR(255), 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_users PRIMARY KEY (id), 
	CONSTRAINT uq_users_name UNIQUE (name)
);
INSERT INTO users VALUES(1,'张三','staff',NULL,'2026-12-05 12:49:30.295550');
CREATE TABLE questions (
	id VARCHAR(32) NOT NULL, 
	qtype VARCHAR(4) NOT NULL, 
	law TEXT NOT NULL, 
	article VARCHAR(40) NOT NULL, 
	article_id INTEGER NOT NULL, 
	doc_id VARCHAR(40) NOT NULL, 
	generator VARCHAR(40) NOT NULL, 
	element VARCHAR(20) NOT NULL, 
	difficulty INTEGER NOT NULL, 
	payload JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_questions PRIMARY KEY (id)
);
INSERT INTO questions VALUES('e900640973841ed9','单选','中华人民共和国劳动合同法','第一条',66,'cl-2fba77247a80','statement_match','statement',2,'{"qtype": "\u5355\u9009", "stem": "\u4e0b\u5217\u8868\u8ff0\u4e2d\uff0c\u7b26\u5408\u300a\u52b3\u52a8\u5408\u540c\u6cd5\u300b\u7b2c\u4e00\u6761\u89c4\u5b9a\u7684\u662f\uff1a", "options": ["\u5728\u89c4\u7ae0\u5236\u5ea6\u548c\u91cd\u5927\u4e8b\u9879\u51b3\u5b9a\u5b9e\u65bd\u8fc7\u7a0b\u4e2d\uff0c\u5de5\u4f1a\u6216\u8005\u804c\u5de5\u8ba4\u4e3a\u4e0d\u9002\u5f53\u7684\uff0c\u6709\u6743\u5411\u7528\u4eba\u5355\u4f4d\u63d0\u51fa\uff0c\u901a\u8fc7\u534f\u5546\u4e88\u4ee5\u4fee\u6539\u5b8c\u5584", "\u4e3a\u4e86\u5b8c\u5584\u52b3\u52a8\u5408\u540c\u5236\u5ea6\uff0c\u660e\u786e\u52b3\u52a8\u5408\u540c\u53cc\u65b9\u5f53\u4e8b\u4eba\u7684\u6743\u5229\u548c\u4e49\u52a1\uff0c\u4fdd\u62a4\u52b3\u52a8\u8005\u7684\u5408\u6cd5\u6743\u76ca\uff0c\u6784\u5efa\u548c\u53d1\u5c55\u548c\u8c10\u7a33\u5b9a\u7684\u52b3\u52a8\u5173\u7cfb\uff0c\u5236\u5b9a\u672c\u6cd5", "\u4f01\u4e1a\u804c\u5de5\u4e00\u65b9\u4e0e\u7528\u4eba\u5355\u4f4d\u53ef\u4ee5\u8ba2\u7acb\u52b3\u52a8\u5b89\u5168\u536b\u751f\u3001\u5973\u804c\u5de5\u6743\u76ca\u4fdd\u62a4\u3001\u5de5\u8d44\u8c03\u6574\u673a\u5236\u7b49\u4e13\u9879\u96c6\u4f53\u5408\u540c", "\u4ece\u4e8b\u975e\u5168\u65e5\u5236\u7528\u5de5\u7684\u52b3\u52a8\u8005\u53ef\u4ee5\u4e0e\u4e00\u4e2a\u6216\u8005\u4e00\u4e2a\u4ee5\u4e0a\u7528\u4eba\u5355\u4f4d\u8ba2\u7acb\u52b3\u52a8\u5408\u540c\uff1b\u4f46\u662f\uff0c\u540e\u8ba2\u7acb\u7684\u52b3\u52a8\u5408\u540c\u4e0d\u5f97\u5f71\u54cd\u5148\u8ba2\u7acb\u7684\u52b3\u52a8\u5408\u540c\u7684\u5c65\u884c"], "answer": ["B"], "explanation": "\u6b63\u786e\u7b54\u6848\u4e3aB\u9879\uff0c\u5176\u4f59\u9009\u9879\u6216\u6539\u52a8\u4e86\u6761\u6587\u5185\u5bb9\uff0c\u6216\u4e3a\u5176\u4ed6\u6761\u6587\u7684\u89c4\u5b9a\u3002\n\u4f9d\u636e\u300a\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u52b3\u52a8\u5408\u540c\u6cd5\u300b\u7b2c\u4e00\u6761\uff1a\u201c\u4e3a\u4e86\u5b8c\u5584\u52b3\u52a8\u5408\u540c\u5236\u5ea6\uff0c\u660e\u786e\u52b3\u52a8\u5408\u540c\u53cc\u65b9\u5f53\u4e8b\u4eba\u7684\u6743\u5229\u548c\u4e49\u52a1\uff0c\u4fdd\u62a4\u52b3\u52a8\u8005\u7684\u5408\u6cd5\u6743\u76ca\uff0c\u6784\u5efa\u548c\u53d1\u5c55\u548c\u8c10\u7a33\u5b9a\u7684\u52b3\u52a8\u5173\u7cfb\uff0c\u5236\u5b9a\u672c\u6cd5\u3002\u201d", "law": "\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u52b3\u52a8\u5408\u540c\u6cd5", "article": "\u7b2c\u4e00\u6761", "article_id": 66, "doc_id": "cl-2fba77247a80", "generator": "statement_match", "difficulty": 2, "element": "statement", "quote": "\u4e3a\u4e86\u5b8c\u5584\u52b3\u52a8\u5408\u540c\u5236\u5ea6\uff0c\u660e\u786e\u52b3\u52a8\u5408\u540c\u53cc\u65b9\u5f53\u4e8b\u4eba\u7684\u6743\u5229\u548c\u4e49\u52a1\uff0c\u4fdd\u62a4\u52b3\u52a8\u8005\u7684\u5408\u6cd5\u6743\u76ca\uff0c\u6784\u5efa\u548c\u53d1\u5c55\u548c\u8c10\u7a33\u5b9a\u7684\u52b3\u52a8\u5173\u7cfb\uff0c\u5236\u5b9a\u672c\u6cd5\u3002", "claims": [{"text": "\u5728\u89c4\u7ae0\u5236\u5ea6\u548c\u91cd\u5927\u4e8b\u9879\u51b3\u5b9a\u5b9e\u65bd\u8fc7\u7a0b\u4e2d\uff0c\u5de5\u4f1a\u6216\u8005\u804c\u5de5\u8ba4\u4e3a\u4e0d\u9002\u5f53\u7684\uff0c\u6709\u6743\u5411\u7528\u4eba\u5355\u4f4d\u63d0\u51fa\uff0c\u901a\u8fc7\u534f\u5546\u4e88\u4ee5\u4fee\u6539\u5b8c\u5584", "holds": false, "article_id": 66, "original": "", "perturbation": "other_article", "origin_id": 69}, {"text": "\u4e3a\u4e86\u5b8c\u5584\u52b3\u52a8\u5408\u540c\u5236\u5ea6\uff0c\u660e\u786e\u52b3\u52a8\u5408\u540c\u53cc\u65b9\u5f53\u4e8b\u4eba\u7684\u6743\u5229\u548c\u4e49\u52a1\uff0c\u4fdd\u62a4\u52b3\u52a8\u8005\u7684\u5408\u6cd5\u6743\u76ca\uff0c\u6784\u5efa\u548c\u53d1\u5c55\u548c\u8c10\u7a33\u5b9a\u7684\u52b3\u52a8\u5173\u7cfb\uff0c\u5236\u5b9a\u672c\u6cd5", "holds": true, "article_id": 66, "original": "", "perturbation": "", "origin_id": null}, {"text": "\u4f01\u4e1a\u804c\u5de5\u4e00\u65b9\u4e0e\u7528\u4eba\u5355\u4f4d\u53ef\u4ee5\u8ba2\u7acb\u52b3\u52a8\u5b89\u5168\u536b\u751f\u3001\u5973\u804c\u5de5\u6743\u76ca\u4fdd\u62a4\u3001\u5de5\u8d44\u8c03\u6574\u673a\u5236\u7b49\u4e13\u9879\u96c6\u4f53\u5408\u540c", "holds": false, "article_id": 66, "original": "", "perturbation": "other_article", "origin_id": 117}, {"text": "\u4ece\u4e8b\u975e\u5168\u65e5\u5236\u7528\u5de5\u7684\u52b3\u52a8\u8005\u53ef\u4ee5\u4e0e\u4e00\u4e2a\u6216\u8005\u4e00\u4e2a\u4ee5\u4e0a\u7528\u4eba\u5355\u4f4d\u8ba2\u7acb\u52b3\u52a8\u5408\u540c\uff1b\u4f46\u662f\uff0c\u540e\u8ba2\u7acb\u7684\u52b3\u52a8\u5408\u540c\u4e0d\u5f97\u5f71\u54cd\u5148\u8ba2\u7acb\u7684\u52b3\u52a8\u5408\u540c\u7684\u5c65\u884c", "holds": false, "article_id": 66, "original": "", "perturbation": "other_article", "origin_id": 134}], "chapter": "\u7b2c\u4e00\u7ae0 \u603b\u5219", "meta": {}, "id": "e900640973841ed9"}','2026-12-05 12:49:34.694955');
INSERT INTO questions VALUES('810b261268ccbb03','多选','中华人民共和国劳动合同法','第七十六条',141,'cl-2fba77247a80','multi_statement','statements',3,'{"qtype": "\u591a\u9009", "stem": "\u6839\u636e\u300a\u52b3\u52a8\u5408\u540c\u6cd5\u300b\u7684\u89c4\u5b9a\uff0c\u4e0b\u5217\u8bf4\u6cd5\u6b63\u786e\u7684\u6709\uff1a", "options": ["\u56fd\u52a1\u9662\u52b3\u52a8\u884c\u653f\u90e8\u95e8\u8d1f\u8d23\u5168\u56fd\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u5b9e\u65bd\u7684\u76d1\u7763\u7ba1\u7406", "\u884c\u4e1a\u4e3b\u7ba1\u90e8\u95e8\u8d1f\u8d23\u672c\u884c\u653f\u533a\u57df\u5185\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u5b9e\u65bd\u7684\u76d1\u7763\u7ba1\u7406", "\u7528\u4eba\u5355\u4f4d\u4e0e\u52b3\u52a8\u8005\u5e94\u5f53\u6309\u7167\u52b3\u52a8\u5408\u540c\u7684\u7ea6\u5b9a\uff0c\u5168\u9762\u5c65\u884c\u5404\u81ea\u7684\u4e49\u52a1", "\u53bf\u7ea7\u4ee5\u4e0a\u4eba\u6c11\u653f\u5e9c\u5efa\u8bbe\u3001\u536b\u751f\u3001\u5b89\u5168\u751f\u4ea7\u76d1\u7763\u7ba1\u7406\u7b49\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u5728\u5404\u81ea\u804c\u8d23\u8303\u56f4\u5185\uff0c\u5bf9\u7528\u4eba\u5355\u4f4d\u6267\u884c\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u7684\u60c5\u51b5\u8fdb\u884c\u76d1\u7763\u7ba1\u7406"], "answer": ["A", "C", "D"], "explanation": "\u6b63\u786e\u7b54\u6848\u4e3aA\u3001C\u3001D\u3002A\u9879\u89c1\u7b2c\u4e03\u5341\u4e09\u6761\uff1bB\u9879\u6539\u52a8\u4e86\u6761\u6587\uff0c\u539f\u6587\u4e3a\u201c\u53bf\u7ea7\u4ee5\u4e0a\u5730\u65b9\u4eba\u6c11\u653f\u5e9c\u52b3\u52a8\u884c\u653f\u90e8\u95e8\u8d1f\u8d23\u672c\u884c\u653f\u533a\u57df\u5185\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u5b9e\u65bd\u7684\u76d1\u7763\u7ba1\u7406\u201d\uff1bC\u9879\u89c1\u7b2c\u4e8c\u5341\u4e5d\u6761\uff1bD\u9879\u89c1\u7b2c\u4e03\u5341\u516d\u6761\u3002\n\u4f9d\u636e\u300a\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u52b3\u52a8\u5408\u540c\u6cd5\u300b\u7b2c\u4e03\u5341\u516d\u6761\uff1a\u201c\u53bf\u7ea7\u4ee5\u4e0a\u4eba\u6c11\u653f\u5e9c\u5efa\u8bbe\u3001\u536b\u751f\u3001\u5b89\u5168\u751f\u4ea7\u76d1\u7763\u7ba1\u7406\u7b49\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u5728\u5404\u81ea\u804c\u8d23\u8303\u56f4\u5185\uff0c\u5bf9\u7528\u4eba\u5355\u4f4d\u6267\u884c\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u7684\u60c5\u51b5\u8fdb\u884c\u76d1\u7763\u7ba1\u7406\u3002\u201d", "law": "\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u52b3\u52a8\u5408\u540c\u6cd5", "article": "\u7b2c\u4e03\u5341\u516d\u6761", "article_id": 141, "doc_id": "cl-2fba77247a80", "generator": "multi_statement", "difficulty": 3, "element": "statements", "quote": "\u53bf\u7ea7\u4ee5\u4e0a\u4eba\u6c11\u653f\u5e9c\u5efa\u8bbe\u3001\u536b\u751f\u3001\u5b89\u5168\u751f\u4ea7\u76d1\u7763\u7ba1\u7406\u7b49\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u5728\u5404\u81ea\u804c\u8d23\u8303\u56f4\u5185\uff0c\u5bf9\u7528\u4eba\u5355\u4f4d\u6267\u884c\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u7684\u60c5\u51b5\u8fdb\u884c\u76d1\u7763\u7ba1\u7406\u3002", "claims": [{"text": "\u56fd\u52a1\u9662\u52b3\u52a8\u884c\u653f\u90e8\u95e8\u8d1f\u8d23\u5168\u56fd\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u5b9e\u65bd\u7684\u76d1\u7763\u7ba1\u7406", "holds": true, "article_id": 138, "original": "", "perturbation": "", "origin_id": null}, {"text": "\u884c\u4e1a\u4e3b\u7ba1\u90e8\u95e8\u8d1f\u8d23\u672c\u884c\u653f\u533a\u57df\u5185\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u5b9e\u65bd\u7684\u76d1\u7763\u7ba1\u7406", "holds": false, "article_id": 138, "original": "\u53bf\u7ea7\u4ee5\u4e0a\u5730\u65b9\u4eba\u6c11\u653f\u5e9c\u52b3\u52a8\u884c\u653f\u90e8\u95e8\u8d1f\u8d23\u672c\u884c\u653f\u533a\u57df\u5185\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u5b9e\u65bd\u7684\u76d1\u7763\u7ba1\u7406", "perturbation": "subject", "origin_id": null}, {"text": "\u7528\u4eba\u5355\u4f4d\u4e0e\u52b3\u52a8\u8005\u5e94\u5f53\u6309\u7167\u52b3\u52a8\u5408\u540c\u7684\u7ea6\u5b9a\uff0c\u5168\u9762\u5c65\u884c\u5404\u81ea\u7684\u4e49\u52a1", "holds": true, "article_id": 94, "original": "", "perturbation": "", "origin_id": null}, {"text": "\u53bf\u7ea7\u4ee5\u4e0a\u4eba\u6c11\u653f\u5e9c\u5efa\u8bbe\u3001\u536b\u751f\u3001\u5b89\u5168\u751f\u4ea7\u76d1\u7763\u7ba1\u7406\u7b49\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u5728\u5404\u81ea\u804c\u8d23\u8303\u56f4\u5185\uff0c\u5bf9\u7528\u4eba\u5355\u4f4d\u6267\u884c\u52b3\u52a8\u5408\u540c\u5236\u5ea6\u7684\u60c5\u51b5\u8fdb\u884c\u76d1\u7763\u7ba1\u7406", "holds": true, "article_id": 141, "original": "", "perturbation": "", "origin_id": null}], "chapter": "\u7b2c\u516d\u7ae0 \u76d1\u7763\u68c0\u67e5", "meta": {}, "id": "810b261268ccbb03"}','2026-12-05 12:49:34.695380');
INSERT INTO questions VALUES('4ff3a6edfb78a7f7','判断','中华人民共和国劳动合同法','第六十一条',126,'cl-2fba77247a80','judge_statement','statement',1,'{"qtype": "\u5224\u65ad", "stem": "\u6839\u636e\u300a\u52b3\u52a8\u5408\u540c\u6cd5\u300b\u7684\u89c4\u5b9a\uff0c\u52b3\u52a1\u6d3e\u9063\u5355\u4f4d\u8de8\u5730\u533a\u6d3e\u9063\u52b3\u52a8\u8005\u7684\uff0c\u88ab\u6d3e\u9063\u52b3\u52a8\u8005\u4eab\u6709\u7684\u52b3\u52a8\u62a5\u916c\u548c\u52b3\u52a8\u6761\u4ef6\uff0c\u6309\u7167\u7528\u5de5\u5355\u4f4d\u6240\u5728\u5730\u7684\u6807\u51c6\u6267\u884c\u3002", "options": ["\u6b63\u786e", "\u9519\u8bef"], "answer": "\u6b63\u786e", "explanation": "\u6b63\u786e\u3002\u9898\u5e72\u4e0e\u6761\u6587\u4e00\u81f4\u3002\n\u4f9d\u636e\u300a\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u52b3\u52a8\u5408\u540c\u6cd5\u300b\u7b2c\u516d\u5341\u4e00\u6761\uff1a\u201c\u52b3\u52a1\u6d3e\u9063\u5355\u4f4d\u8de8\u5730\u533a\u6d3e\u9063\u52b3\u52a8\u8005\u7684\uff0c\u88ab\u6d3e\u9063\u52b3\u52a8\u8005\u4eab\u6709\u7684\u52b3\u52a8\u62a5\u916c\u548c\u52b3\u52a8\u6761\u4ef6\uff0c\u6309\u7167\u7528\u5de5\u5355\u4f4d\u6240\u5728\u5730\u7684\u6807\u51c6\u6267\u884c\u3002\u201d", "law": "\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u52b3\u52a8\u5408\u540c\u6cd5", "article": "\u7b2c\u516d\u5341\u4e00\u6761", "article_id": 126, "doc_id": "cl-2fba77247a80", "generator": "judge_statement", "difficulty": 1, "element": "statement", "quote": "\u52b3\u52a1\u6d3e\u9063\u5355\u4f4d\u8de8\u5730\u533a\u6d3e\u9063\u52b3\u52a8\u8005\u7684\uff0c\u88ab\u6d3e\u9063\u52b3\u52a8\u8005\u4eab\u6709\u7684\u52b3\u52a8\u62a5\u916c\u548c\u52b3\u52a8\u6761\u4ef6\uff0c\u6309\u7167\u7528\u5de5\u5355\u4f4d\u6240\u5728\u5730\u7684\u6807\u51c6\u6267\u884c\u3002", "claims": [{"text": "\u52b3\u52a1\u6d3e\u9063\u5355\u4f4d\u8de8\u5730\u533a\u6d3e\u9063\u52b3\u52a8\u8005\u7684\uff0c\u88ab\u6d3e\u9063\u52b3\u52a8\u8005\u4eab\u6709\u7684\u52b3\u52a8\u62a5\u916c\u548c\u52b3\u52a8\u6761\u4ef6\uff0c\u6309\u7167\u7528\u5de5\u5355\u4f4d\u6240\u5728\u5730\u7684\u6807\u51c6\u6267\u884c", "holds": true, "article_id": 126, "original": "", "perturbation": "", "origin_id": null}], "chapter": "\u7b2c\u4e94\u7ae0 \u7279\u522b\u89c4\u5b9a", "meta": {}, "id": "4ff3a6edfb78a7f7"}','2026-12-05 12:49:34.695531');
INSERT INTO questions VALUES('e5d61c876acab49b','单选','中华人民共和国网络安全法','第六十五条',228,'cl-5fc6c6d6d717','article_locate','locate',3,'{"qtype": "\u5355\u9009", "stem": "\u300a\u7f51\u7edc\u5b89\u5168\u6cd5\u300b\u4e2d\uff0c\u89c4\u5b9a\u201c\u8fdd\u53cd\u672c\u6cd5\u7b2c\u4e8c\u5341\u516b\u6761\u89c4\u5b9a\u2026\u2026\u7531\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u8d23\u4ee4\u6539\u6b63\uff0c\u7ed9\u4e88\u8b66\u544a\uff0c\u53ef\u4ee5\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a\u5341\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e\u201d\u7684\u6761\u6587\u662f\uff1a", "options": ["\u7b2c\u516d\u5341\u4e8c\u6761", "\u7b2c\u516d\u5341\u56db\u6761", "\u7b2c\u516d\u5341\u4e94\u6761", "\u7b2c\u516d\u5341\u4e5d\u6761"], "answer": ["C"], "explanation": "\u8be5\u5185\u5bb9\u89c4\u5b9a\u5728\u7b2c\u516d\u5341\u4e94\u6761\u3002\n\u4f9d\u636e\u300a\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u7f51\u7edc\u5b89\u5168\u6cd5\u300b\u7b2c\u516d\u5341\u4e94\u6761\uff1a\u201c\u8fdd\u53cd\u672c\u6cd5\u7b2c\u4e8c\u5341\u516b\u6761\u89c4\u5b9a\uff0c\u5f00\u5c55\u7f51\u7edc\u5b89\u5168\u8ba4\u8bc1\u3001\u68c0\u6d4b\u3001\u98ce\u9669\u8bc4\u4f30\u7b49\u6d3b\u52a8\uff0c\u6216\u8005\u5411\u793e\u4f1a\u53d1\u5e03\u7cfb\u7edf\u6f0f\u6d1e\u3001\u8ba1\u7b97\u673a\u75c5\u6bd2\u3001\u7f51\u7edc\u653b\u51fb\u3001\u7f51\u7edc\u4fb5\u5165\u7b49\u7f51\u7edc\u5b89\u5168\u4fe1\u606f\u7684\uff0c\u7531\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u8d23\u4ee4\u6539\u6b63\uff0c\u7ed9\u4e88\u8b66\u544a\uff0c\u53ef\u4ee5\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a\u5341\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e\uff1b\u62d2\u4e0d\u6539\u6b63\u6216\u8005\u60c5\u8282\u4e25\u91cd\u7684\uff0c\u5904\u5341\u4e07\u5143\u4ee5\u4e0a\u4e00\u767e\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e\uff0c\u5e76\u53ef\u4ee5\u8d23\u4ee4\u6682\u505c\u76f8\u5173\u4e1a\u52a1\u3001\u505c\u4e1a\u6574\u987f\u3001\u5173\u95ed\u7f51\u7ad9\u6216\u8005\u5e94\u7528\u7a0b\u5e8f\u3001\u540a\u9500\u76f8\u5173\u4e1a\u52a1\u8bb8\u53ef\u8bc1\u6216\u8005\u540a\u9500\u8425\u4e1a\u6267\u7167\uff0c\u5bf9\u76f4\u63a5\u8d1f\u8d23\u7684\u4e3b\u7ba1\u4eba\u5458\u548c\u5176\u4ed6\u76f4\u63a5\u8d23\u4efb\u4eba\u5458\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a\u5341\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e\u3002\u201d", "law": "\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u7f51\u7edc\u5b89\u5168\u6cd5", "article": "\u7b2c\u516d\u5341\u4e94\u6761", "article_id": 228, "doc_id": "cl-5fc6c6d6d717", "generator": "article_locate", "difficulty": 3, "element": "locate", "quote": "\u8fdd\u53cd\u672c\u6cd5\u7b2c\u4e8c\u5341\u516b\u6761\u89c4\u5b9a\uff0c\u5f00\u5c55\u7f51\u7edc\u5b89\u5168\u8ba4\u8bc1\u3001\u68c0\u6d4b\u3001\u98ce\u9669\u8bc4\u4f30\u7b49\u6d3b\u52a8\uff0c\u6216\u8005\u5411\u793e\u4f1a\u53d1\u5e03\u7cfb\u7edf\u6f0f\u6d1e\u3001\u8ba1\u7b97\u673a\u75c5\u6bd2\u3001\u7f51\u7edc\u653b\u51fb\u3001\u7f51\u7edc\u4fb5\u5165\u7b49\u7f51\u7edc\u5b89\u5168\u4fe1\u606f\u7684\uff0c\u7531\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u8d23\u4ee4\u6539\u6b63\uff0c\u7ed9\u4e88\u8b66\u544a\uff0c\u53ef\u4ee5\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a\u5341\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e\uff1b\u62d2\u4e0d\u6539\u6b63\u6216\u8005\u60c5\u8282\u4e25\u91cd\u7684\uff0c\u5904\u5341\u4e07\u5143\u4ee5\u4e0a\u4e00\u767e\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e\uff0c\u5e76\u53ef\u4ee5\u8d23\u4ee4\u6682\u505c\u76f8\u5173\u4e1a\u52a1\u3001\u505c\u4e1a\u6574\u987f\u3001\u5173\u95ed\u7f51\u7ad9\u6216\u8005\u5e94\u7528\u7a0b\u5e8f\u3001\u540a\u9500\u76f8\u5173\u4e1a\u52a1\u8bb8\u53ef\u8bc1\u6216\u8005\u540a\u9500\u8425\u4e1a\u6267\u7167\uff0c\u5bf9\u76f4\u63a5\u8d1f\u8d23\u7684\u4e3b\u7ba1\u4eba\u5458\u548c\u5176\u4ed6\u76f4\u63a5\u8d23\u4efb\u4eba\u5458\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a\u5341\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e\u3002", "claims": [{"text": "\u8fdd\u53cd\u672c\u6cd5\u7b2c\u4e8c\u5341\u516b\u6761\u89c4\u5b9a\u2026\u2026\u7531\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u8d23\u4ee4\u6539\u6b63\uff0c\u7ed9\u4e88\u8b66\u544a\uff0c\u53ef\u4ee5\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a\u5341\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e", "holds": false, "article_id": 225, "original": "", "perturbation": "", "origin_id": null}, {"text": "\u8fdd\u53cd\u672c\u6cd5\u7b2c\u4e8c\u5341\u516b\u6761\u89c4\u5b9a\u2026\u2026\u7531\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u8d23\u4ee4\u6539\u6b63\uff0c\u7ed9\u4e88\u8b66\u544a\uff0c\u53ef\u4ee5\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a\u5341\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e", "holds": false, "article_id": 227, "original": "", "perturbation": "", "origin_id": null}, {"text": "\u8fdd\u53cd\u672c\u6cd5\u7b2c\u4e8c\u5341\u516b\u6761\u89c4\u5b9a\u2026\u2026\u7531\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u8d23\u4ee4\u6539\u6b63\uff0c\u7ed9\u4e88\u8b66\u544a\uff0c\u53ef\u4ee5\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a\u5341\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e", "holds": true, "article_id": 228, "original": "", "perturbation": "", "origin_id": null}, {"text": "\u8fdd\u53cd\u672c\u6cd5\u7b2c\u4e8c\u5341\u516b\u6761\u89c4\u5b9a\u2026\u2026\u7531\u6709\u5173\u4e3b\u7ba1\u90e8\u95e8\u8d23\u4ee4\u6539\u6b63\uff0c\u7ed9\u4e88\u8b66\u544a\uff0c\u53ef\u4ee5\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a\u5341\u4e07\u5143\u4ee5\u4e0b\u7f5a\u6b3e", "holds": false, "article_id": 232, "original": "", "perturbation": "", "origin_id": null}], "chapter": "\u7b2c\u516d\u7ae0 \u6cd5\u5f8b\u8d23\u4efb", "meta": {}, "id": "e5d61c876acab49b"}','2026-12-05 12:49:35.145585');
INSERT INTO questions VALUES('6fc2de0064294f1a','判断','中华人民共和国网络安全法','第七十三条',236,'cl-5fc6c6d6d717','judge_statement','statement',1,'{"qtype": "\u5224\u65ad", "stem": "\u6839\u636e\u300a\u7f51\u7edc\u5b89\u5168\u6cd5\u300b\u7684\u89c4\u5b9a\uff0c\u8fdd\u53cd\u672c\u6cd5\u89c4\u5b9a\uff0c\u4f46\u5177\u6709\u300a\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u884c\u653f\u5904\u7f5a\u6cd5\u300b\u89c4\u5b9a\u7684\u4ece\u8f7b\u3001\u51cf\u8f7b\u6216\u8005\u4e0d\u4e88\u5904\u7f5a\u60c5\u5f62\u7684\uff0c\u4f9d\u7167\u5176\u89c4\u5b9a\u4ece\u8f7b\u3001\u51cf\u8f7b\u6216\u8005\u4e0d\u4e88\u5904\u7f5a\u3002", "options": ["\u6b63\u786e", "\u9519\u8bef"], "answer": "\u6b63\u786e", "explanation": "\u6b63\u786e\u3002\u9898\u5e72\u4e0e\u6761\u6587\u4e00\u81f4\u3002\n\u4f9d\u636e\u300a\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u7f51\u7edc\u5b89\u5168\u6cd5\u300b\u7b2c\u4e03\u5341\u4e09\u6761\uff1a\u201c\u8fdd\u53cd\u672c\u6cd5\u89c4\u5b9a\uff0c\u4f46\u5177\u6709\u300a\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u884c\u653f\u5904\u7f5a\u6cd5\u300b\u89c4\u5b9a\u7684\u4ece\u8f7b\u3001\u51cf\u8f7b\u6216\u8005\u4e0d\u4e88\u5904\u7f5a\u60c5\u5f62\u7684\uff0c\u4f9d\u7167\u5176\u89c4\u5b9a\u4ece\u8f7b\u3001\u51cf\u8f7b\u6216\u8005\u4e0d\u4e88\u5904\u7f5a\u3002\u201d", "law": "\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u7f51\u7edc\u5b89\u5168\u6cd5", "article": "\u7b2c\u4e03\u5341\u4e09\u6761", "article_id": 236, "doc_id": "cl-5fc6c6d6d717", "generator": "judge_statement", "difficulty": 1, "element": "statement", "quote": "\u8fdd\u53cd\u672c\u6cd5\u89c4\u5b9a\uff0c\u4f46\u5177\u6709\u300a\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u884c\u653f\u5904\u7f5a\u6cd5\u300b\u89c4\u5b9a\u7684\u4ece\u8f7b\u3001\u51cf\u8f7b\u6216\u8005\u4e0d\u4e88\u5904\u7f5a\u60c5\u5f62\u7684\uff0c\u4f9d\u7167\u5176\u89c4\u5b9a\u4ece\u8f7b\u3001\u51cf\u8f7b\u6216\u8005\u4e0d\u4e88\u5904\u7f5a\u3002", "claims": [{"text": "\u8fdd\u53cd\u672c\u6cd5\u89c4\u5b9a\uff0c\u4f46\u5177\u6709\u300a\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u884c\u653f\u5904\u7f5a\u6cd5\u300b\u89c4\u5b9a\u7684\u4ece\u8f7b\u3001\u51cf\u8f7b\u6216\u8005\u4e0d\u4e88\u5904\u7f5a\u60c5\u5f62\u7684\uff0c\u4f9d\u7167\u5176\u89c4\u5b9a\u4ece\u8f7b\u3001\u51cf\u8f7b\u6216\u8005\u4e0d\u4e88\u5904\u7f5a", "holds": true, "article_id": 236, "original": "", "perturbation": "", "origin_id": null}], "chapter": "\u7b2c\u516d\u7ae0 \u6cd5\u5f8b\u8d23\u4efb", "meta": {}, "id": "6fc2de0064294f1a"}','2026-12-05 12:49:35.145813');
CREATE TABLE attempts (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	mode VARCHAR(10) NOT NULL, 
	scope JSON NOT NULL, 
	question_ids JSON NOT NULL, 
	seed INTEGER, 
	started_at DATETIME NOT NULL, 
	finished_at DATETIME, 
	total INTEGER NOT NULL, 
	correct INTEGER NOT NULL, 
	CONSTRAINT pk_attempts PRIMARY KEY (id), 
	CONSTRAINT fk_attempts_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO attempts VALUES(1,1,'practice','{}','["e900640973841ed9", "810b261268ccbb03", "4ff3a6edfb78a7f7"]',NULL,'2024-05-06 01:00:00.000000',NULL,3,0);
INSERT INTO attempts VALUES(2,1,'exam','{}','["e5d61c876acab49b", "6fc2de0064294f1a"]',NULL,'2024-05-06 01:05:40.000000',NULL,2,0);
CREATE TABLE wrong_book (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	question_id VARCHAR(32) NOT NULL, 
	article_id INTEGER NOT NULL, 
	law TEXT NOT NULL, 
	added_at DATETIME NOT NULL, 
	last_wrong_at DATETIME NOT NULL, 
	wrong_count INTEGER NOT NULL, 
	right_streak INTEGER NOT NULL, 
	mastered_at DATETIME, 
	CONSTRAINT pk_wrong_book PRIMARY KEY (id), 
	CONSTRAINT uq_wrong_book_user_id UNIQUE (user_id, question_id), 
	CONSTRAINT fk_wrong_book_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, 
	CONSTRAINT fk_wrong_book_question_id_questions FOREIGN KEY(question_id) REFERENCES questions (id)
);
INSERT INTO wrong_book VALUES(1,1,'810b261268ccbb03',141,'中华人民共和国劳动合同法','2024-05-06 01:00:40.000000','2024-05-06 01:00:40.000000',1,0,NULL);
CREATE TABLE fsrs_cards (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	article_id INTEGER NOT NULL, 
	doc_id VARCHAR(40) NOT NULL, 
	law TEXT NOT NULL, 
	article VARCHAR(40) NOT NULL, 
	chapter TEXT NOT NULL, 
	card JSON NOT NULL, 
	due DATETIME NOT NULL, 
	state INTEGER NOT NULL, 
	stability FLOAT, 
	reps INTEGER NOT NULL, 
	lapses INTEGER NOT NULL, 
	last_review DATETIME, 
	last_generator VARCHAR(40) NOT NULL, 
	last_element VARCHAR(20) NOT NULL, 
	last_question_id VARCHAR(32) NOT NULL, 
	CONSTRAINT pk_fsrs_cards PRIMARY KEY (id), 
	CONSTRAINT uq_fsrs_cards_user_id UNIQUE (user_id, article_id), 
	CONSTRAINT fk_fsrs_cards_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO fsrs_cards VALUES(1,1,66,'cl-2fba77247a80','中华人民共和国劳动合同法','第一条','第一章 总则','{"card_id": 1000000066, "state": 2, "step": null, "stability": 2.3065, "difficulty": 2.118103970459016, "due": "2024-05-08T01:00:20+00:00", "last_review": "2024-05-06T01:00:20+00:00"}','2024-05-08 01:00:20.000000',2,2.3065000000000002167,1,0,'2024-05-06 01:00:20.000000','statement_match','statement','e900640973841ed9');
INSERT INTO fsrs_cards VALUES(2,1,141,'cl-2fba77247a80','中华人民共和国劳动合同法','第七十六条','第六章 监督检查','{"card_id": 1000000141, "state": 1, "step": 0, "stability": 0.212, "difficulty": 6.4133, "due": "2024-05-06T01:10:40+00:00", "last_review": "2024-05-06T01:00:40+00:00"}','2024-05-06 01:10:40.000000',1,0.211999999999999994,1,0,'2024-05-06 01:00:40.000000','multi_statement','statements','810b261268ccbb03');
CREATE TABLE fsrs_reviews (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	article_id INTEGER NOT NULL, 
	question_id VARCHAR(32) NOT NULL, 
	rating INTEGER NOT NULL, 
	reviewed_at DATETIME NOT NULL, 
	duration_ms INTEGER, 
	CONSTRAINT pk_fsrs_reviews PRIMARY KEY (id), 
	CONSTRAINT fk_fsrs_reviews_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO fsrs_reviews VALUES(1,1,66,'e900640973841ed9',3,'2024-05-06 01:00:20.000000',20000);
INSERT INTO fsrs_reviews VALUES(2,1,141,'810b261268ccbb03',1,'2024-05-06 01:00:40.000000',20000);
CREATE TABLE conversations (
	id VARCHAR(32) NOT NULL, 
	user_id INTEGER NOT NULL, 
	title TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_conversations PRIMARY KEY (id), 
	CONSTRAINT fk_conversations_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO conversations VALUES('48e356c3c3164c4d933aec6a6f7ca064',1,'试用期最长多久？','2026-12-05 12:49:35.175852','2026-12-05 12:49:35.183840');
CREATE TABLE answers (
	id INTEGER NOT NULL, 
	attempt_id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	question_id VARCHAR(32) NOT NULL, 
	position INTEGER NOT NULL, 
	qtype VARCHAR(4) NOT NULL, 
	article_id INTEGER NOT NULL, 
	doc_id VARCHAR(40) NOT NULL, 
	law TEXT NOT NULL, 
	chapter TEXT NOT NULL, 
	response JSON, 
	correct BOOLEAN NOT NULL, 
	points FLOAT NOT NULL, 
	answered_at DATETIME NOT NULL, 
	duration_ms INTEGER, 
	CONSTRAINT pk_answers PRIMARY KEY (id), 
	CONSTRAINT uq_answers_attempt_id UNIQUE (attempt_id, position), 
	CONSTRAINT fk_answers_attempt_id_attempts FOREIGN KEY(attempt_id) REFERENCES attempts (id) ON DELETE CASCADE, 
	CONSTRAINT fk_answers_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, 
	CONSTRAINT fk_answers_question_id_questions FOREIGN KEY(question_id) REFERENCES questions (id)
);
INSERT INTO answers VALUES(1,1,1,'e900640973841ed9',0,'单选',66,'cl-2fba77247a80','中华人民共和国劳动合同法','第一章 总则','["B"]',1,1.0,'2024-05-06 01:00:20.000000',20000);
INSERT INTO answers VALUES(2,1,1,'810b261268ccbb03',1,'多选',141,'cl-2fba77247a80','中华人民共和国劳动合同法','第六章 监督检查','["B"]',0,0.0,'2024-05-06 01:00:40.000000',20000);
INSERT INTO answers VALUES(3,2,1,'e5d61c876acab49b',0,'单选',228,'cl-5fc6c6d6d717','中华人民共和国网络安全法','第六章 法律责任','["C"]',1,50.0,'2024-05-06 01:06:40.000000',NULL);
CREATE TABLE exams (
	id INTEGER NOT NULL, 
	attempt_id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	config JSON NOT NULL, 
	time_limit_s INTEGER NOT NULL, 
	pass_mark FLOAT NOT NULL, 
	total_points FLOAT NOT NULL, 
	started_at DATETIME NOT NULL, 
	deadline DATETIME NOT NULL, 
	submitted_at DATETIME, 
	score FLOAT, 
	passed BOOLEAN, 
	auto_submitted BOOLEAN NOT NULL, 
	CONSTRAINT pk_exams PRIMARY KEY (id), 
	CONSTRAINT uq_exams_attempt_id UNIQUE (attempt_id), 
	CONSTRAINT fk_exams_attempt_id_attempts FOREIGN KEY(attempt_id) REFERENCES attempts (id) ON DELETE CASCADE, 
	CONSTRAINT fk_exams_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO exams VALUES(1,2,1,'{}',600,60.0,100.0,'2024-05-06 01:05:40.000000','2024-05-06 01:15:40.000000',NULL,NULL,NULL,0);
CREATE TABLE conversation_messages (
	id INTEGER NOT NULL, 
	conversation_id VARCHAR(32) NOT NULL, 
	seq INTEGER NOT NULL, 
	role VARCHAR(10) NOT NULL, 
	content TEXT NOT NULL, 
	meta JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_conversation_messages PRIMARY KEY (id), 
	CONSTRAINT fk_conversation_messages_conversation_id_conversations FOREIGN KEY(conversation_id) REFERENCES conversations (id) ON DELETE CASCADE
);
INSERT INTO conversation_messages VALUES(1,'48e356c3c3164c4d933aec6a6f7ca064',1,'user','试用期最长多久？','{}','2026-12-05 12:49:35.183840');
INSERT INTO conversation_messages VALUES(2,'48e356c3c3164c4d933aec6a6f7ca064',2,'assistant','不得超过六个月。[1]','{"items": [{"n": 1}], "turn": {"question": "\u8bd5\u7528\u671f\u6700\u957f\u591a\u4e45\uff1f", "answer": "\u4e0d\u5f97\u8d85\u8fc7\u516d\u4e2a\u6708\u3002", "found": true, "laws": ["\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u52b3\u52a8\u5408\u540c\u6cd5"], "standalone": "\u8bd5\u7528\u671f\u6700\u957f\u591a\u4e45\uff1f"}, "flags": [], "mode": "extractive"}','2026-12-05 12:49:35.183840');
CREATE INDEX ix_questions_article_id ON questions (article_id);
CREATE INDEX ix_attempts_user_id ON attempts (user_id);
CREATE INDEX ix_wrong_book_user_id ON wrong_book (user_id);
CREATE INDEX ix_fsrs_cards_user_id ON fsrs_cards (user_id);
CREATE INDEX ix_fsrs_cards_due ON fsrs_cards (due);
CREATE INDEX ix_fsrs_reviews_user_id ON fsrs_reviews (user_id);
CREATE INDEX ix_conversations_user_id ON conversations (user_id);
CREATE INDEX ix_conversations_updated_at ON conversations (updated_at);
CREATE INDEX ix_answers_user_id ON answers (user_id);
CREATE INDEX ix_answers_article_id ON answers (article_id);
CREATE INDEX ix_answers_attempt_id ON answers (attempt_id);
CREATE INDEX ix_answers_question_id ON answers (question_id);
CREATE INDEX ix_answers_answered_at ON answers (answered_at);
CREATE INDEX ix_exams_user_id ON exams (user_id);
CREATE INDEX ix_conversation_messages_conversation_id ON conversation_messages (conversation_id);
COMMIT;
