import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './secret-as-env-var.cases.js';

ruleTester(cases.rule, cases);
