import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './run-as-non-root.cases.js';

ruleTester(cases.rule, cases);
