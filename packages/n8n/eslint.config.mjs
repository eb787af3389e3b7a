// n8n's own lint rules for nodes, credentials and the package.json of a community
// package (eslint-plugin-n8n-nodes-base, in the flat config of ESLint 9), on top of
// typescript-eslint's recommended rules.
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const plugins = { 'n8n-nodes-base': n8nNodesBase };

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'docs/**'] },
	...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.ts'] })),
	{
		files: ['credentials/**/*.ts'],
		plugins,
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// The rule wants a slug of n8n's own docs; a community credential links its API's docs.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins,
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These predate `NodeConnectionTypes.Main`, which n8n's node template now writes.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['package.json'],
		// typescript-eslint's parser reads JSON as the ObjectExpression these rules look for.
		languageOptions: { parser: tseslint.parser },
		plugins,
		rules: {
			...n8nNodesBase.configs.community.rules,
			// The project's license is Apache-2.0, not the starter's MIT.
			'n8n-nodes-base/community-package-json-license-not-default': 'off',
		},
	},
];
